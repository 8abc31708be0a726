package dev.agentry.core.shutdown;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.agentry.core.AgentState;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.test.RunningAgent;
import dev.agentry.test.ZmqTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shutdown sequence of DESIGN.md in one JVM: order, drain, forced answers, what stays reachable. */
class GracefulShutdownTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void everyInflightRequestIsAnsweredAndLateOnesAreUnavailableWhileActuatorAndHealthStillAnswer() throws Exception {
		RunningAgent agent = RunningAgent.start(Map.of("agent.endpoint.threads", "16", "agent.shutdown.drain-timeout",
				"15s", "test-agent.heartbeat", "true"));
		Path report = agent.bean(ReportFiles.class).reportFile();
		int httpPort = agent.httpPort();
		String health = agent.health();
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint(), 20_000);
				ZmqTestClient late = ZmqTestClient.dealer(agent.endpoint());
				ZmqTestClient healthPeer = ZmqTestClient.req(health)) {
			for (int i = 0; i < 16; i++) {
				client.send("{\"action\":\"slow\",\"millis\":2000,\"id\":" + i + "}");
			}
			RequestEndpoints endpoints = agent.bean(RequestEndpoints.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> endpoints.inflight() == 16);
			AgentStatus status = agent.bean(AgentStatus.class);

			CompletableFuture<Void> closing = CompletableFuture.runAsync(agent::close);
			await().atMost(Duration.ofSeconds(5)).until(() -> status.state() == AgentState.DRAINING);

			// During the drain: new work is refused at once, the health socket says draining,
			// readiness is 503 and Prometheus can still be scraped.
			JsonNode refused = late.call("{\"action\":\"echo\",\"id\":\"late\"}");
			assertThat(refused.get("error").asString()).isEqualTo("unavailable");
			assertThat(refused.get("retryable").asBoolean()).isTrue();
			assertThat(refused.get("id").asString()).isEqualTo("late");
			assertThat(healthPeer.call("{\"action\":\"health_check\"}").get("state").asString()).isEqualTo("draining");
			assertThat(get(httpPort, "/actuator/health/readiness").statusCode()).isEqualTo(503);
			HttpResponse<String> scrape = get(httpPort, "/actuator/prometheus");
			assertThat(scrape.statusCode()).isEqualTo(200);
			assertThat(scrape.body()).contains("agent_requests_inflight{agent=\"test-agent\",endpoint=\"main\"} 16");

			Set<Integer> answered = new HashSet<>();
			for (int i = 0; i < 16; i++) {
				JsonNode reply = client.receive();
				assertThat(reply).as("reply %d of 16", i).isNotNull();
				assertThat(reply.get("status").asString()).isEqualTo("ok");
				answered.add(reply.get("id").asInt());
			}
			assertThat(answered).hasSize(16);
			closing.get();
		}
		JsonNode written = mapper.readTree(report.toFile());
		assertThat(written.get("outcome").asString()).isEqualTo("graceful");
		assertThat(written.get("reason").asString()).isEqualTo("application");
		List<String> steps = new ArrayList<>();
		written.get("steps").forEach((step) -> steps.add(step.get("step").asString()));
		assertThat(steps).containsSubsequence("delay", "endpoints", "streams", "workers", "health", "context");
		assertThat(steps.stream().distinct()).containsExactly("delay", "endpoints", "streams", "workers", "health",
				"context");
		JsonNode endpoint = step(written, "endpoints");
		assertThat(endpoint.get("drained").asInt()).isEqualTo(16);
		assertThat(endpoint.get("forced").asInt()).isZero();
		assertThat(endpoint.get("rejected").asInt()).isGreaterThanOrEqualTo(1);
		assertThat(step(written, "workers").get("component").asString()).isEqualTo("heartbeat");
		for (String field : List.of("agent", "instance", "started_at", "shutdown_started_at", "finished_at",
				"total_seconds", "outcome")) {
			assertThat(written.has(field)).as(field).isTrue();
		}
	}

	@Test
	void requestsThatOutliveTheDrainAreAnsweredTimeoutAndCountedForced() throws Exception {
		RunningAgent agent = RunningAgent.start(Map.of("agent.shutdown.drain-timeout", "500ms"));
		Path report = agent.bean(ReportFiles.class).reportFile();
		MeterRegistry registry = agent.bean(MeterRegistry.class);
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			client.send("{\"action\":\"slow\",\"millis\":5000,\"id\":\"long\"}");
			await().atMost(Duration.ofSeconds(10)).until(() -> agent.bean(RequestEndpoints.class).inflight() == 1);
			long start = System.nanoTime();
			agent.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			JsonNode reply = client.receive();
			assertThat(reply.get("id").asString()).isEqualTo("long");
			assertThat(reply.get("error").asString()).isEqualTo("timeout");
			assertThat(reply.get("retryable").asBoolean()).isTrue();
		}
		JsonNode written = mapper.readTree(report.toFile());
		assertThat(written.get("outcome").asString()).isEqualTo("timeout");
		assertThat(step(written, "endpoints").get("forced").asInt()).isEqualTo(1);
		assertThat(step(written, "endpoints").get("outcome").asString()).isEqualTo("timeout");
		assertThat(registry.find("agent.requests").tag("outcome", "forced").counter().count()).isEqualTo(1);
		assertThat(registry.find("agent.shutdown.phase").tag("step", "endpoints").tag("outcome", "timeout").timer())
			.isNotNull();
	}

	@Test
	void aLaterPhaseBeanThatDependsOnTheEndpointsDoesNotCutTheDrainShort() throws Exception {
		RunningAgent agent = RunningAgent.start(Map.of("test-agent.dependent-stream", "true"));
		Path report = agent.bean(ReportFiles.class).reportFile();
		try (ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			client.send("{\"action\":\"slow\",\"millis\":1500,\"id\":\"in-flight\"}");
			await().atMost(Duration.ofSeconds(10)).until(() -> agent.bean(RequestEndpoints.class).inflight() == 1);
			agent.close();
			JsonNode reply = client.receive();
			assertThat(reply.get("status").asString()).isEqualTo("ok");
		}
		JsonNode written = mapper.readTree(report.toFile());
		assertThat(step(written, "endpoints").get("drained").asInt()).isEqualTo(1);
		List<String> steps = new ArrayList<>();
		written.get("steps").forEach((step) -> steps.add(step.get("step").asString()));
		assertThat(steps).containsExactly("delay", "endpoints", "streams", "workers", "health", "context");
	}

	@Test
	void duringTheDelayTheAgentIsNotReadyButStillServes() throws Exception {
		RunningAgent agent = RunningAgent.start(Map.of("agent.shutdown.delay", "3s"));
		int httpPort = agent.httpPort();
		AgentStatus status = agent.bean(AgentStatus.class);
		try (ZmqTestClient client = ZmqTestClient.req(agent.endpoint())) {
			CompletableFuture<Void> closing = CompletableFuture.runAsync(agent::close);
			await().atMost(Duration.ofSeconds(5)).until(() -> status.state() == AgentState.DRAINING);
			assertThat(get(httpPort, "/actuator/health/readiness").statusCode()).isEqualTo(503);
			assertThat(get(httpPort, "/actuator/health/liveness").statusCode()).isEqualTo(200);
			assertThat(client.call("{\"action\":\"echo\"}").get("status").asString()).isEqualTo("ok");
			closing.get();
		}
	}

	@Test
	void closingTwiceDoesNoHarm() {
		RunningAgent agent = RunningAgent.start(Map.of());
		Path report = agent.bean(ReportFiles.class).reportFile();
		agent.close();
		agent.close();
		agent.context().close();
		assertThat(report).exists();
	}

	private static JsonNode step(JsonNode report, String name) {
		for (JsonNode step : report.get("steps")) {
			if (name.equals(step.get("step").asString())) {
				return step;
			}
		}
		throw new AssertionError("No step " + name + " in " + report);
	}

	private static HttpResponse<String> get(int port, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
