package dev.agentry.samples.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.test.JarRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify-shutdown} as users run it: the packaged jar, two agents, the scenarios that
 * matter most, and its JSON report read back.
 */
class VerifyShutdownIT {

	private static final Path JAR = Path.of("target", "agent-samples.jar");

	@TempDir
	Path dir;

	@Test
	void verifiesTwoAgentsAndWritesTheJsonReport() throws Exception {
		Path report = this.dir.resolve("verify.json");
		// 7 rows of a few seconds each, on a slow machine: a hang is a bug, slowness is not.
		JarRun run = JarRun.of(JAR, Duration.ofMinutes(5), this.dir.resolve("verify.out"), "verify-shutdown",
				"--agents=service-registry,model-worker", "--scenarios=idle,load,drain-timeout,sigint",
				"--report=" + report, "--dir=" + this.dir.resolve("agents"));
		String printed = run.output();
		assertThat(run.finished()).as(printed).isTrue();
		assertThat(run.exitCode()).as(printed).isZero();
		assertThat(printed).contains("RESULT: PASS, 7 checks")
			.contains("AGENT", "SCENARIO", "TIME TO EXIT", "IN-FLIGHT ANSWERED", "LATE ANSWERED", "PORTS FREE",
					"REPORT STEPS");

		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(report));
		assertThat(json.get("passed").asBoolean()).isTrue();
		assertThat(json.get("failures").asInt()).isZero();
		JsonNode rows = json.get("rows");
		List<String> checked = new ArrayList<>();
		for (JsonNode row : rows) {
			checked.add(row.get("agent").asString() + "/" + row.get("scenario").asString());
			assertThat(row.get("result").asString()).as(row.toString()).isEqualTo("PASS");
			assertThat(row.get("problems")).isEmpty();
			assertThat(row.get("ports_free").asBoolean()).isTrue();
			assertThat(row.get("silent").asInt()).isZero();
			assertThat(row.get("inflight_answered").asInt()).isEqualTo(row.get("inflight_at_signal").asInt());
			assertThat(row.get("time_to_exit_seconds").asDouble()).isLessThanOrEqualTo(
					row.get("exit_limit_seconds").asDouble());
			assertThat(row.get("report_steps").toString()).contains("delay", "endpoints", "context");
			assertThat(Path.of(row.get("log").asString())).exists();
			String scenario = row.get("scenario").asString();
			assertThat(row.get("exit_code").asInt()).isEqualTo(scenario.equals("sigint") ? 130 : 143);
			if (scenario.equals("load")) {
				assertThat(row.get("inflight_at_signal").asInt()).isPositive();
			}
			if (scenario.equals("drain-timeout")) {
				assertThat(row.get("forced").asInt()).isPositive();
				assertThat(row.get("replies").get("timeout").asInt()).isPositive();
				assertThat(row.get("late_answered").asInt()).isEqualTo(row.get("late_sent").asInt()).isPositive();
			}
		}
		// The registry has no slow action, so it has no drain-timeout row.
		assertThat(checked).containsExactly("service-registry/idle", "service-registry/load", "service-registry/sigint",
				"model-worker/idle", "model-worker/load", "model-worker/drain-timeout", "model-worker/sigint");
	}

}
