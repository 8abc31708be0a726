package dev.agentry.core.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentry.core.test.RunningAgent;
import dev.agentry.test.ZmqTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The wire protocol and every bad-input case of DESIGN.md, from raw JeroMQ peers. */
@ExtendWith(OutputCaptureExtension.class)
class RequestEndpointTests {

	private static RunningAgent agent;

	@BeforeAll
	static void startAgent() {
		agent = RunningAgent.start(Map.of("agent.endpoint.request-timeout", "500ms", "agent.endpoint.max-inflight", "4",
				"agent.endpoint.threads", "4", "agent.zmq.max-message-size", "4KB"));
	}

	@AfterAll
	static void stopAgent() {
		agent.close();
	}

	@Test
	void reqPeerGetsOkReplyWithItsIdEchoed() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode reply = client.call("{\"action\":\"echo\",\"id\":\"r-1\",\"text\":\"hi\"}");
			assertThat(reply.get("status").asString()).isEqualTo("ok");
			assertThat(reply.get("id").asString()).isEqualTo("r-1");
			assertThat(reply.get("echo").get("text").asString()).isEqualTo("hi");
		}
	}

	@Test
	void dealerPeerWithDelimiterGetsReplyBehindDelimiter() {
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			client.send("{\"action\":\"echo\",\"id\":7}");
			List<byte[]> frames = client.receiveRaw();
			assertThat(frames).hasSize(2);
			assertThat(frames.get(0)).isEmpty();
			assertThat(new String(frames.get(1), StandardCharsets.UTF_8)).contains("\"status\":\"ok\"").contains("\"id\":7");
		}
	}

	@Test
	void dealerPeerWithoutDelimiterGetsReplyWithoutOne() {
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			client.socket().send("{\"action\":\"echo\"}");
			List<byte[]> frames = client.receiveRaw();
			assertThat(frames).hasSize(1);
			assertThat(new String(frames.get(0), StandardCharsets.UTF_8)).contains("\"status\":\"ok\"");
		}
	}

	@Test
	void manyRequestsInFlightOnOneDealerAreAllAnswered() {
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			for (int i = 0; i < 200; i++) {
				client.send("{\"action\":\"echo\",\"id\":" + i + "}");
			}
			List<Integer> ids = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				JsonNode reply = client.receive();
				assertThat(reply).as("reply %d", i).isNotNull();
				if ("ok".equals(reply.get("status").asString())) {
					ids.add(reply.get("id").asInt());
				}
				else {
					// max-inflight is 4 here: the overflow must be told so, never silently dropped.
					assertThat(reply.get("error").asString()).isEqualTo("unavailable");
					assertThat(reply.get("retryable").asBoolean()).isTrue();
					ids.add(reply.get("id").asInt());
				}
			}
			assertThat(ids).doesNotHaveDuplicates().hasSize(200);
		}
	}

	@Test
	void actionWithoutResultRepliesStatusAndId() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode reply = client.call("{\"action\":\"nothing\",\"id\":\"n\"}");
			assertThat(reply.propertyNames()).containsExactly("status", "id");
		}
	}

	@Test
	void healthCheckIsAnsweredByTheEndpointLikeTheHealthSocket() {
		try (ZmqTestClient endpoint = ZmqTestClient.req(agent.endpoint());
				ZmqTestClient health = ZmqTestClient.req(agent.health())) {
			JsonNode viaEndpoint = endpoint.call("{\"action\":\"health_check\"}");
			JsonNode viaHealth = health.call("{\"action\":\"health_check\"}");
			for (JsonNode reply : List.of(viaEndpoint, viaHealth)) {
				assertThat(reply.get("status").asString()).isEqualTo("ok");
				assertThat(reply.get("agent").asString()).isEqualTo("test-agent");
				assertThat(reply.get("instance").asString()).startsWith("test-agent-");
				assertThat(reply.get("state").asString()).isEqualTo("ready");
				assertThat(reply.get("uptime_seconds").isNumber()).isTrue();
				assertThat(reply.get("inflight").isInt()).isTrue();
			}
		}
	}

	@Test
	void healthCheckOnTheEndpointEchoesItsIdAndIsHeldToStrictInput() {
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			assertThat(client.call("{\"action\":\"health_check\",\"id\":\"probe-7\"}").get("id").asString())
				.isEqualTo("probe-7");
			assertThat(client.call("{\"action\":\"health_check\",\"id\":42}").get("id").asLong()).isEqualTo(42);
			assertThat(client.call("{\"action\":\"health_check\",\"id\":1e999999}").get("error").asString())
				.isEqualTo("bad_request");
			assertThat(client.call("{\"action\":\"health_check\",\"id\":\"a\",\"id\":\"b\"}").get("error")
				.asString()).isEqualTo("bad_request");
			client.sendFrames(new byte[] { '{', '"', 'a', 'c', 't', 'i', 'o', 'n', '"', ':', '"', 'h', 'e', 'a', 'l', 't',
					'h', '_', 'c', 'h', 'e', 'c', 'k', '"', ',', '"', 'i', 'd', '"', ':', '"', (byte) 0xC0, (byte) 0xAF,
					'"', '}' });
			assertThat(client.receive().get("error").asString()).as("overlong UTF-8 in a health_check")
				.isEqualTo("bad_request");
		}
	}

	@Test
	void healthSocketAnswersAnyRequest() {
		try (ZmqTestClient health = ZmqTestClient.req(agent.health())) {
			assertThat(health.call("not even json").get("state").asString()).isEqualTo("ready");
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			not JSON                | this is not json PAYLOAD-SECRET          | bad_request    | false
			JSON but not an object  | [1, 2, "PAYLOAD-SECRET"]                 | bad_request    | false
			a JSON string           | "PAYLOAD-SECRET"                         | bad_request    | false
			no action               | {"id": 1, "x": "PAYLOAD-SECRET"}         | bad_request    | false
			action not a string     | {"action": 5, "x": "PAYLOAD-SECRET"}     | bad_request    | false
			empty action            | {"action": "", "x": "PAYLOAD-SECRET"}    | bad_request    | false
			trailing garbage        | {"action": "echo"} PAYLOAD-SECRET        | bad_request    | false
			wrong field type        | {"action": "typed", "count": "PAYLOAD-SECRET"} | bad_request | false
			number as a string      | {"action": "typed", "count": "5", "x": "PAYLOAD-SECRET"} | bad_request | false
			string as a number      | {"action": "typed", "count": 5, "name": 7, "x": "PAYLOAD-SECRET"} | bad_request | false
			unknown action          | {"action": "launch", "x": "PAYLOAD-SECRET"} | unknown_action | false
			handler throws          | {"action": "fail", "x": "PAYLOAD-SECRET"} | internal      | false
			handler past deadline   | {"action": "slow", "millis": 2000, "x": "PAYLOAD-SECRET"} | timeout | true
			""")
	void badInputIsAnsweredWithItsCodeCountedAndLoggedWithoutPayload(String description, String request, String code,
			boolean retryable, CapturedOutput output) {
		double before = count(code);
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode reply = client.call(request);
			assertThat(reply).as("a reply, never silence").isNotNull();
			assertThat(reply.get("status").asString()).isEqualTo("error");
			assertThat(reply.get("error").asString()).isEqualTo(code);
			assertThat(reply.get("retryable").asBoolean()).isEqualTo(retryable);
			assertThat(reply.get("message").asString()).isNotBlank().doesNotContain("PAYLOAD-SECRET").doesNotContain("hunter2")
				.doesNotContain("Exception");
			assertThat(reply.has("id")).isTrue();
			// The agent keeps serving.
			assertThat(client.call("{\"action\":\"echo\"}").get("status").asString()).isEqualTo("ok");
		}
		assertThat(count(code)).isEqualTo(before + 1);
		assertThat(output.getAll()).doesNotContain("PAYLOAD-SECRET");
	}

	@Test
	void wrongFieldTypeNamesTheField() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode reply = client.call("{\"action\":\"typed\",\"count\":\"many\"}");
			assertThat(reply.get("message").asString()).contains("'count'");
		}
	}

	@Test
	void invalidUtf8IsBadRequest() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			client.sendFrames(new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' });
			JsonNode reply = client.receive();
			assertThat(reply.get("error").asString()).isEqualTo("bad_request");
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			overlong slash          | 7b22616374696f6e223a226563686f222c2278223a22c0af227d
			3-byte overlong         | 7b22616374696f6e223a226563686f222c2278223a22e080af227d
			CESU-8 high surrogate   | 7b22616374696f6e223a226563686f222c2278223a22eda080227d
			CESU-8 surrogate pair   | 7b22616374696f6e223a226563686f222c2278223a22eda0bdedb880227d
			beyond U+10FFFF         | 7b22616374696f6e223a226563686f222c2278223a22f4908080227d
			""")
	void overlongAndSurrogateUtf8IsBadRequestCountedAndLoggedOnce(String description, String hex,
			CapturedOutput output) {
		double before = count("bad_request");
		int warnings = warnings(output);
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			client.sendFrames(java.util.HexFormat.of().parseHex(hex));
			JsonNode reply = client.receive();
			assertThat(reply.get("error").asString()).isEqualTo("bad_request");
			assertThat(reply.get("message").asString()).contains("UTF-8");
		}
		// Counted just after the reply went out.
		await().atMost(Duration.ofSeconds(5)).until(() -> count("bad_request") == before + 1);
		assertThat(warnings(output)).isEqualTo(warnings + 1);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			repeated top-level key  | {"action": "echo", "id": "a", "x": 1, "x": 2}
			repeated action         | {"action": "echo", "action": "nothing"}
			repeated nested key     | {"action": "echo", "x": [{"k": 1, "k": 2}]}
			float over a double     | {"action": "echo", "id": "a", "x": 1e999999}
			float under a double    | {"action": "echo", "x": [1e-999999]}
			""")
	void repeatedKeysAndNumbersThatDoNotFitAreBadRequest(String description, String request) {
		double before = count("bad_request");
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode reply = client.call(request);
			assertThat(reply.get("error").asString()).isEqualTo("bad_request");
			assertThat(reply.toString()).doesNotContain("Infinity");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> count("bad_request") == before + 1);
	}

	@ParameterizedTest(name = "id {0}")
	@CsvSource(delimiter = '|', textBlock = """
			1e999999
			1.5
			9223372036854775808
			true
			{"a": 1}
			["x"]
			""")
	void badIdIsBadRequestAndNotEchoed(String id) {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode reply = client.call("{\"action\": \"echo\", \"id\": " + id + "}");
			assertThat(reply.get("error").asString()).isEqualTo("bad_request");
			assertThat(reply.get("message").asString()).contains("'id'");
			assertThat(reply.get("id").isNull()).isTrue();
		}
	}

	@Test
	void idOfMoreThan256CharactersIsBadRequestAndNotEchoed() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode longest = client.call("{\"action\":\"nothing\",\"id\":\"" + "\u00e9".repeat(256) + "\"}");
			assertThat(longest.get("status").asString()).isEqualTo("ok");
			assertThat(longest.get("id").asString()).hasSize(256);
			JsonNode over = client.call("{\"action\":\"nothing\",\"id\":\"" + "I".repeat(257) + "\"}");
			assertThat(over.get("error").asString()).isEqualTo("bad_request");
			assertThat(over.get("id").isNull()).isTrue();
			JsonNode largest = client.call("{\"action\":\"nothing\",\"id\":9223372036854775807}");
			assertThat(largest.get("id").asLong()).isEqualTo(Long.MAX_VALUE);
		}
	}

	@Test
	void utf16JsonIsBadRequest() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			client.sendFrames("{\"action\":\"echo\"}".getBytes(StandardCharsets.UTF_16LE));
			assertThat(client.receive().get("error").asString()).isEqualTo("bad_request");
		}
	}

	@Test
	void unknownActionNameIsQuotedToTheClientButNeverLogged(CapturedOutput output) {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			JsonNode reply = client.call("{\"action\":\"launch-MARKER-7731\"}");
			assertThat(reply.get("error").asString()).isEqualTo("unknown_action");
			assertThat(reply.get("message").asString()).contains("launch-MARKER-7731");
		}
		assertThat(output.getAll()).contains("unknown_action").doesNotContain("MARKER-7731");
	}

	@Test
	void replyToAPeerThatHasGoneIsCountedUndeliverable() {
		MeterRegistry registry = agent.bean(MeterRegistry.class);
		double before = registry.get("agent.replies.undeliverable").counter().count();
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			client.send("{\"action\":\"slow\",\"millis\":300}");
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registry.get("agent.replies.undeliverable").counter().count() == before + 1);
	}

	@Test
	void multiFrameRequestIsBadRequest() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			client.sendFrames("{\"action\":\"echo\"}".getBytes(StandardCharsets.UTF_8),
					"{\"action\":\"echo\"}".getBytes(StandardCharsets.UTF_8));
			JsonNode reply = client.receive();
			assertThat(reply.get("error").asString()).isEqualTo("bad_request");
		}
	}

	@Test
	void requestsBeyondMaxInflightAreUnavailableAtOnce() {
		double before = count("unavailable");
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			for (int i = 0; i < 4; i++) {
				client.send("{\"action\":\"slow\",\"millis\":400,\"id\":" + i + "}");
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> agent.bean(RequestEndpoints.class).inflight() == 4);
			client.send("{\"action\":\"echo\",\"id\":\"over\"}");
			JsonNode first = client.receive();
			assertThat(first.get("id").asString()).isEqualTo("over");
			assertThat(first.get("error").asString()).isEqualTo("unavailable");
			assertThat(first.get("retryable").asBoolean()).isTrue();
			for (int i = 0; i < 4; i++) {
				assertThat(client.receive().get("status").asString()).isEqualTo("ok");
			}
		}
		assertThat(count("unavailable")).isGreaterThan(before);
	}

	@Test
	void messageOverMaxSizeIsRefusedByZeroMqCountedAndTheAgentKeepsServing(CapturedOutput output) {
		double before = count("too_large");
		try (ZmqTestClient big = ZmqTestClient.dealer(agent.endpoint(), 1000)) {
			big.send("{\"action\":\"echo\",\"pad\":\"" + "PAYLOAD-SECRET".repeat(1000) + "\"}");
			assertThat(big.receive()).as("ZeroMQ disconnects the peer; no reply").isNull();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> count("too_large") == before + 1);
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			assertThat(client.call("{\"action\":\"echo\"}").get("status").asString()).isEqualTo("ok");
		}
		assertThat(output.getAll()).contains("max-message-size").doesNotContain("PAYLOAD-SECRET");
	}

	private static int warnings(CapturedOutput output) {
		return (int) output.getAll().lines().filter((line) -> line.contains(" WARN ") && line.contains("refused a request")).count();
	}

	private static double count(String outcome) {
		return agent.bean(MeterRegistry.class)
			.find("agent.requests")
			.tag("outcome", outcome)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}


}
