package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.Map;

import dev.agentry.core.test.RunningAgent;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint's drain verbs from a real peer: {@code shutdown()} refuses new requests and
 * lets those in flight finish, {@code shutdownNow()} answers what is left in the handlers'
 * place, {@code awaitTermination()} returns once the socket is closed.
 */
class RequestEndpointDrainTests {

	private RunningAgent agent;

	private RequestEndpoint endpoint;

	@BeforeEach
	void startAgent() {
		this.agent = RunningAgent.start(Map.of("agent.endpoint.request-timeout", "30s"));
		this.endpoint = this.agent.bean(RequestEndpoints.class).get(RequestEndpoint.MAIN).orElseThrow();
	}

	@AfterEach
	void stopAgent() {
		this.agent.close();
	}

	@Test
	void shutdownRefusesNewRequestsAndLetsThoseInFlightFinish() {
		try (ZmqTestClient client = ZmqTestClient.dealer(this.agent.endpoint())) {
			client.send("{\"action\":\"slow\",\"millis\":500,\"id\":\"in-flight\"}");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.endpoint.inflight() == 1);
			this.endpoint.shutdown();
			client.send("{\"action\":\"echo\",\"id\":\"new\"}");
			JsonNode refused = client.receive();
			assertThat(refused.get("id").asString()).isEqualTo("new");
			assertThat(refused.get("error").asString()).isEqualTo("unavailable");
			JsonNode finished = client.receive();
			assertThat(finished.get("id").asString()).isEqualTo("in-flight");
			assertThat(finished.get("status").asString()).isEqualTo("ok");
		}
		assertThat(this.endpoint.awaitTermination(Duration.ofSeconds(10))).isTrue();
		assertThat(this.endpoint.isRunning()).isFalse();
		assertThat(this.endpoint.table().drained()).isEqualTo(1);
		assertThat(this.endpoint.table().rejected()).isEqualTo(1);
		assertThat(this.endpoint.table().forced()).isZero();
	}

	@Test
	void shutdownNowAnswersWhatIsLeftAndCountsItForced() {
		try (ZmqTestClient client = ZmqTestClient.dealer(this.agent.endpoint())) {
			client.send("{\"action\":\"slow\",\"millis\":3000,\"id\":\"stuck\"}");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.endpoint.inflight() == 1);
			this.endpoint.shutdown();
			assertThat(this.endpoint.awaitTermination(Duration.ofMillis(200))).as("still draining").isFalse();
			this.endpoint.shutdownNow();
			JsonNode forced = client.receive();
			assertThat(forced.get("id").asString()).isEqualTo("stuck");
			assertThat(forced.get("error").asString()).isEqualTo("timeout");
			assertThat(forced.get("retryable").asBoolean()).isTrue();
		}
		assertThat(this.endpoint.awaitTermination(Duration.ofSeconds(10))).isTrue();
		assertThat(this.endpoint.inflight()).isZero();
		assertThat(this.endpoint.table().forced()).isEqualTo(1);
	}

	@Test
	void healthCheckIsAnsweredWhileDraining() {
		try (ZmqTestClient client = ZmqTestClient.dealer(this.agent.endpoint())) {
			client.send("{\"action\":\"slow\",\"millis\":500,\"id\":\"in-flight\"}");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.endpoint.inflight() == 1);
			this.endpoint.shutdown();
			client.send("{\"action\":\"health_check\",\"id\":\"probe\"}");
			JsonNode health = client.receive();
			assertThat(health.get("id").asString()).isEqualTo("probe");
			assertThat(health.get("status").asString()).isEqualTo("ok");
			assertThat(client.receive().get("id").asString()).isEqualTo("in-flight");
		}
	}

}
