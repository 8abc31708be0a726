package dev.agentry.core.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentry.core.test.RunningAgent;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AgentAction(inline = true)}: handlers that never block run on the endpoint's socket
 * thread, next to pool handlers of the same endpoint, with the same protocol.
 */
@ExtendWith(OutputCaptureExtension.class)
class InlineActionTests {

	private static RunningAgent agent;

	@BeforeAll
	static void startAgent() {
		agent = RunningAgent.start(Map.of("agent.endpoints.inline.bind", "tcp://127.0.0.1:*",
				"agent.endpoints.inline.threads", "2"));
	}

	@AfterAll
	static void stopAgent() {
		agent.close();
	}

	@Test
	void inlineActionRunsOnTheSocketThreadAndPoolActionOnTheHandlerPool() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint("inline"))) {
			JsonNode inline = client.call("{\"action\":\"thread-inline\",\"id\":\"i\"}");
			JsonNode pool = client.call("{\"action\":\"thread-pool\",\"id\":\"p\"}");

			assertThat(inline.get("status").asString()).isEqualTo("ok");
			assertThat(inline.get("id").asString()).isEqualTo("i");
			assertThat(inline.get("thread").asString()).isEqualTo("agent-endpoint-inline");
			assertThat(pool.get("thread").asString()).startsWith("agent-inline-handler");
		}
	}

	@Test
	void manyInlineAndPoolRequestsInFlightAreAllAnswered() {
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint("inline"))) {
			for (int i = 0; i < 300; i++) {
				client.send("{\"action\":\"" + ((i % 2 == 0) ? "thread-inline" : "thread-pool") + "\",\"id\":" + i + "}");
			}
			List<Integer> ids = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				JsonNode reply = client.receive();
				assertThat(reply).as("reply %d", i).isNotNull();
				assertThat(reply.get("status").asString()).isEqualTo("ok");
				ids.add(reply.get("id").asInt());
			}
			assertThat(ids).doesNotHaveDuplicates().hasSize(300);
		}
	}

	@Test
	void badInputIsRefusedOnTheSocketThreadAsOnThePool() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint("inline"))) {
			assertThat(client.call("{\"action\":").get("error").asString()).isEqualTo("bad_request");
			assertThat(client.call("{\"action\":\"nope\",\"id\":1}").get("error").asString()).isEqualTo("unknown_action");
			assertThat(client.call("{\"action\":\"health_check\"}").get("status").asString()).isEqualTo("ok");
		}
	}

	@Test
	void inlineHandlerThatThrowsIsAnsweredInternalAndTheEndpointServesOn() {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint("inline"))) {
			JsonNode failed = client.call("{\"action\":\"fail-inline\",\"id\":\"f\"}");
			assertThat(failed.get("error").asString()).isEqualTo("internal");
			assertThat(failed.toString()).doesNotContain("secret inline detail");
			assertThat(client.call("{\"action\":\"thread-inline\"}").get("status").asString()).isEqualTo("ok");
		}
	}

	@Test
	void slowInlineHandlerIsLoggedOnce(CapturedOutput output) {
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint("inline"))) {
			client.call("{\"action\":\"slow-inline\"}");
			client.call("{\"action\":\"slow-inline\"}");
		}
		String warning = "the inline handler of action 'slow-inline' ran";
		assertThat(output.getAll()).contains(warning);
		assertThat(output.getAll().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
	}

}
