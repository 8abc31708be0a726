package dev.agentry.core.interop;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentry.core.test.RunningAgent;
import dev.agentry.test.PythonScript;
import dev.agentry.test.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md promises that libzmq peers work unchanged against an agent: these tests drive an
 * in-process agent from pyzmq (Debian's python3-zmq, on libzmq) through
 * {@code src/test/resources/pyzmq/peer.py}, which prints what it received as JSON.
 * Without pyzmq they skip, or fail under {@code -Dagentry.require-tools=true}.
 */
class PyzmqInteropTests {

	private static Path python;

	private static Path script;

	private static RunningAgent agent;

	@BeforeAll
	static void startAgent() {
		python = Tools.requirePyzmq();
		script = resource("/pyzmq/peer.py");
		agent = RunningAgent.start(Map.of());
	}

	@AfterAll
	static void stopAgent() {
		if (agent != null) {
			agent.close();
		}
	}

	@Test
	void reqSocketWithSendJsonGetsOkRepliesWithTheIdEchoed() {
		JsonNode result = peer("req-echo", agent.endpoint());
		List<JsonNode> replies = list(result.get("replies"));
		assertThat(replies).as("replies to pyzmq's REQ: %s", result).hasSize(3).doesNotContainNull();

		JsonNode first = replies.get(0);
		assertThat(text(first, "status")).as("%s", first).isEqualTo("ok");
		assertThat(text(first, "id")).as("%s", first).isEqualTo("py-req-1");
		assertThat(text(first.path("echo"), "text")).as("UTF-8 round trip in %s", first)
			.isEqualTo("h\u00e9llo from pyzmq");
		assertThat(text(first.path("echo"), "action")).as("%s", first).isEqualTo("echo");

		JsonNode second = replies.get(1);
		assertThat(text(second, "status")).as("%s", second).isEqualTo("ok");
		assertThat(second.get("id").isIntegralNumber()).as("a numeric id stays a number: %s", second).isTrue();
		assertThat(second.get("id").asInt()).isEqualTo(42);
		assertThat(list(second.path("echo").get("n"))).extracting(JsonNode::asInt).containsExactly(1, 2, 3);

		JsonNode third = replies.get(2);
		assertThat(text(third, "status")).as("a handler that returns nothing: %s", third).isEqualTo("ok");
		assertThat(text(third, "id")).as("%s", third).isEqualTo("py-req-3");
	}

	@Test
	void dealerThatSendsTheEmptyDelimiterGetsItsReplyBehindTheDelimiter() {
		JsonNode result = peer("dealer-delimiter", agent.endpoint());
		assertThat(result.get("frames").isNull()).as("pyzmq's DEALER got no reply: %s", result).isFalse();
		assertThat(result.get("frames").asInt()).as("frames of %s", result).isEqualTo(2);
		assertThat(result.get("delimiter_empty").asBoolean()).as("%s", result).isTrue();
		JsonNode reply = result.get("reply");
		assertThat(text(reply, "status")).as("%s", reply).isEqualTo("ok");
		assertThat(text(reply, "id")).as("%s", reply).isEqualTo("py-dealer-1");
	}

	@Test
	void severalRequestsInFlightOnOneDealerAreAllAnswered() {
		int count = 24;
		JsonNode result = peer("dealer-inflight", agent.endpoint(), Integer.toString(count));
		List<String> sent = list(result.get("sent")).stream().map(JsonNode::asString).toList();
		List<JsonNode> replies = list(result.get("replies"));
		assertThat(sent).hasSize(count);
		assertThat(replies).as("replies to %d requests in flight on pyzmq's DEALER: %s", count, result).hasSize(count);

		List<String> answered = new ArrayList<>();
		for (JsonNode received : replies) {
			assertThat(received.get("delimiter_empty").asBoolean()).as("%s", received).isTrue();
			JsonNode reply = received.get("reply");
			assertThat(text(reply, "status")).as("%s", reply).isEqualTo("ok");
			answered.add(text(reply, "id"));
		}
		assertThat(answered).as("every request answered once").containsExactlyInAnyOrderElementsOf(sent);
	}

	@Test
	void badInputFromPyzmqIsAnsweredWithTheProtocolsErrorCodes() {
		JsonNode result = peer("bad-input", agent.endpoint());

		assertError(result, "not_json", "bad_request", null);
		assertError(result, "not_utf8", "bad_request", null);
		assertError(result, "empty", "bad_request", null);
		assertError(result, "array", "bad_request", null);
		assertError(result, "string", "bad_request", null);
		assertError(result, "missing_action", "bad_request", "py-bad-missing");
		assertError(result, "action_not_string", "bad_request", "py-bad-action-type");
		assertError(result, "unknown_action", "unknown_action", "py-bad-unknown");
		assertError(result, "wrong_type", "bad_request", "py-bad-type");
		assertThat(text(result.get("wrong_type"), "message")).as("the message names the field")
			.contains("count");

		JsonNode failed = assertError(result, "handler_fails", "internal", "py-bad-fail");
		assertThat(text(failed, "message")).as("an internal error names no internals")
			.doesNotContain("hunter2", "secret", "IllegalStateException", "Exception", "at dev.");
	}

	@Test
	void healthSocketAnswersPyzmqReq() {
		JsonNode result = peer("health", agent.health());
		assertHealthy(result.get("reply"), result);
	}

	@Test
	void requestEndpointAnswersHealthCheckToPyzmqReq() {
		JsonNode result = peer("health", agent.endpoint());
		assertHealthy(result.get("reply"), result);
	}

	private static void assertHealthy(JsonNode reply, JsonNode result) {
		assertThat(reply).as("pyzmq's REQ got no health reply: %s", result).isNotNull();
		assertThat(reply.isNull()).as("pyzmq's REQ got no health reply: %s", result).isFalse();
		assertThat(text(reply, "status")).as("%s", reply).isEqualTo("ok");
		assertThat(text(reply, "agent")).as("%s", reply).isEqualTo("test-agent");
		assertThat(text(reply, "state")).as("%s", reply).isEqualTo("ready");
		assertThat(text(reply, "instance")).as("%s", reply).isNotBlank();
		assertThat(reply.path("uptime_seconds").isNumber()).as("uptime_seconds in %s", reply).isTrue();
		assertThat(reply.get("uptime_seconds").asDouble()).as("%s", reply).isGreaterThanOrEqualTo(0);
		assertThat(reply.path("inflight").isIntegralNumber()).as("inflight in %s", reply).isTrue();
		assertThat(reply.get("inflight").asInt()).as("%s", reply).isGreaterThanOrEqualTo(0);
	}

	/** Checks one error reply of the bad-input scenario; {@code id} null means none could be read. */
	private static JsonNode assertError(JsonNode result, String name, String code, String id) {
		JsonNode reply = result.get(name);
		assertThat(reply).as("case '%s' missing from %s", name, result).isNotNull();
		assertThat(reply.isNull()).as("case '%s': pyzmq got no reply within its timeout", name).isFalse();
		assertThat(text(reply, "status")).as("case '%s': %s", name, reply).isEqualTo("error");
		assertThat(text(reply, "error")).as("case '%s': %s", name, reply).isEqualTo(code);
		assertThat(reply.path("retryable").isBoolean()).as("case '%s': retryable in %s", name, reply).isTrue();
		assertThat(reply.get("retryable").booleanValue()).as("case '%s': %s", name, reply).isFalse();
		assertThat(text(reply, "message")).as("case '%s': %s", name, reply).isNotBlank();
		assertThat(text(reply, "id")).as("case '%s': id in %s", name, reply).isEqualTo(id);
		return reply;
	}

	/** Runs one scenario of peer.py and returns the JSON it printed; fails with its output otherwise. */
	private static JsonNode peer(String scenario, String... args) {
		List<String> all = new ArrayList<>(List.of(scenario));
		all.addAll(List.of(args));
		// The script's receives time out after 10 s each; the limit only guards against a hung interpreter.
		return PythonScript.run(python, script, Duration.ofSeconds(90), all.toArray(String[]::new));
	}

	private static Path resource(String name) {
		URL url = PyzmqInteropTests.class.getResource(name);
		assertThat(url).as("test resource %s", name).isNotNull();
		try {
			return Path.of(url.toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<JsonNode> list(JsonNode array) {
		List<JsonNode> items = new ArrayList<>();
		if (array != null && array.isArray()) {
			array.values().forEach(items::add);
		}
		return items;
	}

	/** A field as text, or {@code null} when it is absent or JSON null. */
	private static String text(JsonNode node, String field) {
		JsonNode value = (node != null) ? node.get(field) : null;
		return (value == null || value.isNull()) ? null : value.asString();
	}

}
