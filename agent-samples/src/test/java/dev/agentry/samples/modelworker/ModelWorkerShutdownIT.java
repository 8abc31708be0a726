package dev.agentry.samples.modelworker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentPorts;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged model-worker, as users run it: {@code java -jar agent-samples.jar model-worker}. */
class ModelWorkerShutdownIT {

	private static final Path JAR = Path.of("target", "agent-samples.jar");

	private static final JsonMapper mapper = JsonMapper.builder().build();

	@TempDir
	Path dir;

	@Test
	void answersInferWithTokensSentimentDigestAndInstance() {
		int http = FreePorts.next();
		int endpoint = FreePorts.next();
		try (AgentProcess worker = start(http, endpoint, FreePorts.next(), Map.of());
				ZmqTestClient client = ZmqTestClient.req("tcp://127.0.0.1:" + endpoint)) {
			JsonNode reply = client.call("{\"action\":\"infer\",\"id\":\"a\",\"text\":\"a great good day\"}");
			assertThat(reply.get("status").asString()).isEqualTo("ok");
			assertThat(reply.get("id").asString()).isEqualTo("a");
			assertThat(reply.get("result").get("tokens").asInt()).isEqualTo(4);
			assertThat(reply.get("result").get("sentiment").asString()).isEqualTo("positive");
			assertThat(reply.get("result").get("digest").asString()).hasSize(16);
			assertThat(reply.get("instance").asString()).startsWith("model-worker-");
			JsonNode missing = client.call("{\"action\":\"infer\"}");
			assertThat(missing.get("error").asString()).isEqualTo("bad_request");
			worker.sigterm();
			assertThat(worker.awaitExit(Duration.ofSeconds(20 + 10 + 1 + 5))).isEqualTo(143);
		}
	}

	@Test
	void sigtermDrainsInflightRequestsExitsInsideTheBudgetFreesItsPortsAndReportsEveryStep() throws Exception {
		int http = FreePorts.next();
		int endpoint = FreePorts.next();
		int health = FreePorts.next();
		Map<String, String> slow = Map.of("model-worker.latency", "1500ms", "agent.endpoint.threads", "16",
				"agent.shutdown.drain-timeout", "10s", "agent.shutdown.worker-join-timeout", "2s");
		try (AgentProcess worker = start(http, endpoint, health, slow);
				ZmqTestClient client = ZmqTestClient.dealer("tcp://127.0.0.1:" + endpoint, 20_000)) {
			for (int i = 0; i < 16; i++) {
				client.send("{\"action\":\"infer\",\"id\":" + i + ",\"text\":\"request " + i + "\"}");
			}
			Thread.sleep(300);
			long signalled = System.nanoTime();
			worker.sigterm();
			Set<Integer> answered = new HashSet<>();
			for (int i = 0; i < 16; i++) {
				JsonNode reply = client.receive();
				assertThat(reply).as("reply %d of 16", i).isNotNull();
				assertThat(reply.get("status").asString()).isEqualTo("ok");
				answered.add(reply.get("id").asInt());
			}
			assertThat(answered).hasSize(16);
			// Budget: delay 0 + drain 10 s + join 2 s + linger 1 s, plus 5 s for a slow machine.
			assertThat(worker.awaitExit(Duration.ofSeconds(10 + 2 + 1 + 5))).isEqualTo(143);
			assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(18));
			assertThat(FreePorts.isFree(http)).as("HTTP port free").isTrue();
			assertThat(FreePorts.isFree(endpoint)).as("endpoint port free").isTrue();
			assertThat(FreePorts.isFree(health)).as("health port free").isTrue();
			String log = worker.log();
			for (String step : List.of("step 0 (delay)", "step 1 (endpoints)", "step 2 (streams)", "step 3 (workers)",
					"step 4 (health)", "step 5 (context)", "step 7 (report)")) {
				assertThat(log).contains("Shutdown " + step);
			}
		}
		JsonNode report = mapper.readTree(Files.readString(this.dir.resolve("report.json")));
		assertThat(report.get("agent").asString()).isEqualTo("model-worker");
		assertThat(report.get("outcome").asString()).isEqualTo("graceful");
		assertThat(report.get("reason").asString()).isEqualTo("signal");
		List<String> steps = new ArrayList<>();
		report.get("steps").forEach((step) -> steps.add(step.get("step").asString()));
		// One entry per component: the context step also lists the agent's clients (the registry's).
		assertThat(steps.stream().distinct()).containsExactly("delay", "endpoints", "streams", "workers", "health",
				"context");
		assertThat(report.get("steps").get(1).get("drained").asInt()).isEqualTo(16);

		// The next run reads the report back and exposes the previous shutdown's duration.
		int nextHttp = FreePorts.next();
		try (AgentProcess next = start(nextHttp, endpoint, health, Map.of())) {
			String metrics = next.httpBody("/actuator/prometheus");
			assertThat(metrics).containsPattern(
					"agent_last_shutdown_seconds\\{agent=\"model-worker\",outcome=\"graceful\"} [0-9.]+");
			next.sigterm();
			assertThat(next.awaitExit(Duration.ofSeconds(20 + 10 + 1 + 5))).isEqualTo(143);
		}
	}

	private AgentProcess start(int http, int endpoint, int health, Map<String, String> extra) {
		return AgentLauncher.jar(JAR, "model-worker")
			.ports(new AgentPorts(http, endpoint, health))
			.property("agent.shutdown.report-file", this.dir.resolve("report.json"))
			.properties(extra)
			.directory(this.dir)
			.start()
			.awaitReady(Duration.ofSeconds(60));
	}

}
