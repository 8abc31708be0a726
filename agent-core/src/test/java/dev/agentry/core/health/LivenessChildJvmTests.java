package dev.agentry.core.health;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.agentry.core.testapp.TestAgentApplication;
import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentPorts;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Liveness tells the truth in a real agent: when an endpoint can no longer answer, the
 * Actuator liveness probe turns DOWN (and readiness with it) and stays so.
 */
class LivenessChildJvmTests {

	@TempDir
	Path dir;

	@Test
	void anEndpointWhoseSocketThreadIsWedgedTurnsLivenessDown() {
		int inline = FreePorts.next();
		try (AgentProcess agent = AgentLauncher.mainClass(TestAgentApplication.class)
			.ports(AgentPorts.free())
			.properties(Map.of("spring.application.name", "test-agent", "agent.endpoints.inline.bind",
					"tcp://127.0.0.1:" + inline, "agent.liveness.probe-interval", "300ms",
					"agent.liveness.probe-timeout", "500ms", "agent.liveness.probe-failures", "3",
					"agent.shutdown.report-file", this.dir.resolve("report.json").toString()))
			.directory(this.dir)
			.jvmOptions("-Xshare:auto", "-XX:TieredStopAtLevel=1")
			.start()
			.awaitReady(Duration.ofSeconds(60));
				ZmqTestClient client = ZmqTestClient.dealer("tcp://127.0.0.1:" + inline)) {
			// Healthy for several probes first: the probe does not cry wolf.
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
				.until(() -> agent.httpStatus("/actuator/health/liveness") == 200);
			client.send("{\"action\":\"wedge-inline\"}");
			await().atMost(Duration.ofSeconds(20))
				.until(() -> agent.httpStatus("/actuator/health/liveness") == 503);
			assertThat(agent.readiness()).isEqualTo(503);
			assertThat(agent.log()).contains("did not answer 3 liveness probes in a row");
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
				.until(() -> agent.httpStatus("/actuator/health/liveness") == 503);
		}
	}

}
