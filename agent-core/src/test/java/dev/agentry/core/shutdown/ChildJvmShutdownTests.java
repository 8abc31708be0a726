package dev.agentry.core.shutdown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentry.core.testapp.TestAgentApplication;
import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentPorts;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agents in child JVMs, stopped by real signals. Budgets are small here (drain 2 s, join
 * 1 s, linger 1 s) and every exit is bounded by the budget plus 5 s: a hang is a bug.
 */
class ChildJvmShutdownTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final Duration BUDGET = Duration.ofSeconds(2 + 1 + 1);

	private static final Duration EXIT_BOUND = BUDGET.plusSeconds(5);

	@TempDir
	Path dir;

	@Test
	void workerThatIgnoresItsStopIsAbandonedAndTheJvmStillExitsInsideTheBudget() throws Exception {
		AgentPorts ports = AgentPorts.free();
		try (AgentProcess agent = start(ports, Map.of("test-agent.stubborn-worker", "true"))) {
			agent.sigterm();
			assertThat(agent.awaitExit(EXIT_BOUND)).isEqualTo(143);
			JsonNode report = report();
			assertThat(report.get("reason").asString()).isEqualTo("signal");
			assertThat(report.get("outcome").asString()).isEqualTo("timeout");
			JsonNode workers = step(report, "workers");
			assertThat(workers.get("component").asString()).isEqualTo("stubborn");
			assertThat(workers.get("outcome").asString()).isEqualTo("timeout");
			assertThat(agent.log()).contains("worker 'stubborn' did not end within 1000 ms; abandoned");
			assertThat(ports.busy()).isEmpty();
		}
	}

	@Test
	void peerThatNeverReadsCannotHangTheExit() throws Exception {
		AgentPorts ports = AgentPorts.free();
		try (AgentProcess agent = start(ports, Map.of());
				ZmqTestClient deaf = ZmqTestClient.dealer("tcp://127.0.0.1:" + ports.endpoint())) {
			deaf.floodWithoutReading(20_000);
			agent.sigterm();
			assertThat(agent.awaitExit(EXIT_BOUND)).isEqualTo(143);
			assertThat(step(report(), "context").get("outcome").asString()).isEqualTo("graceful");
		}
	}

	@Test
	void sigintStopsTheAgentLikeSigterm() throws Exception {
		AgentPorts ports = AgentPorts.free();
		try (AgentProcess agent = start(ports, Map.of())) {
			agent.sigint();
			assertThat(agent.awaitExit(EXIT_BOUND)).isEqualTo(130);
			JsonNode report = report();
			assertThat(report.get("reason").asString()).isEqualTo("signal");
			assertThat(report.get("outcome").asString()).isEqualTo("graceful");
			assertThat(ports.busy()).isEmpty();
		}
	}

	@Test
	void secondSigtermDuringTheDrainDoesNoHarm() throws Exception {
		AgentPorts ports = AgentPorts.free();
		try (AgentProcess agent = start(ports, Map.of("agent.shutdown.drain-timeout", "10s"));
				ZmqTestClient client = ZmqTestClient.dealer("tcp://127.0.0.1:" + ports.endpoint(), 20_000)) {
			client.send("{\"action\":\"slow\",\"millis\":2500,\"id\":\"inflight\"}");
			Thread.sleep(300);
			agent.sigterm();
			Thread.sleep(500);
			agent.sigterm();
			agent.sigint();
			JsonNode reply = client.receive();
			assertThat(reply.get("status").asString()).isEqualTo("ok");
			assertThat(reply.get("id").asString()).isEqualTo("inflight");
			assertThat(agent.awaitExit(Duration.ofSeconds(10 + 1 + 1 + 5))).isIn(143, 130);
			JsonNode report = report();
			assertThat(report.get("outcome").asString()).isEqualTo("graceful");
			assertThat(step(report, "endpoints").get("drained").asInt()).isEqualTo(1);
		}
	}

	@Test
	void sigtermDuringStartUpEndsTheJvmCleanly() throws Exception {
		AgentPorts ports = AgentPorts.free();
		try (AgentProcess agent = launcher(ports, Map.of()).start()) {
			Thread.sleep(700);
			agent.sigterm();
			assertThat(agent.awaitExit(EXIT_BOUND)).isIn(143, 0, 1);
			assertThat(agent.log()).doesNotContain("Exception in thread");
			assertThat(ports.busy()).isEmpty();
		}
	}

	private AgentProcess start(AgentPorts ports, Map<String, String> extra) {
		return launcher(ports, extra).start().awaitReady(Duration.ofSeconds(60));
	}

	private AgentLauncher launcher(AgentPorts ports, Map<String, String> extra) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "test-agent");
		properties.put("agent.shutdown.drain-timeout", "2s");
		properties.put("agent.shutdown.worker-join-timeout", "1s");
		properties.put("agent.zmq.linger", "1s");
		properties.put("agent.shutdown.report-file", this.dir.resolve("report.json").toString());
		properties.putAll(extra);
		return AgentLauncher.mainClass(TestAgentApplication.class)
			.ports(ports)
			.properties(properties)
			.directory(this.dir)
			.jvmOptions("-Xshare:auto", "-XX:TieredStopAtLevel=1");
	}

	private JsonNode report() throws Exception {
		Path file = this.dir.resolve("report.json");
		assertThat(file).exists();
		return mapper.readTree(Files.readString(file));
	}

	private static JsonNode step(JsonNode report, String name) {
		for (JsonNode step : report.get("steps")) {
			if (name.equals(step.get("step").asString())) {
				return step;
			}
		}
		throw new AssertionError("No step " + name + " in " + report);
	}

}
