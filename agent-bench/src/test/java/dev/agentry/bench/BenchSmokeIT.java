package dev.agentry.bench;

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
 * Keeps the benchmark from rotting: the packaged command, every suite, one tiny round. The
 * figures of such a run mean nothing and are not looked at; only that each one was measured
 * against its baseline and reported.
 */
class BenchSmokeIT {

	@TempDir
	Path dir;

	@Test
	void everySuiteRunsAndReportsEachFigureAgainstItsBaseline() throws Exception {
		Path out = this.dir.resolve("results");
		JarRun run = JarRun.of(Path.of("target", "agent-bench.jar"), Duration.ofMinutes(10),
				this.dir.resolve("bench.log"), "--quick", "--out=" + out);
		assertThat(run.finished()).as("the quick run ended").isTrue();
		assertThat(run.exitCode()).as(run.output()).isZero();

		assertThat(Files.readString(out.resolve("bench.md"))).contains("| figure |", "raw JeroMQ ROUTER echo",
				"plain Spring Boot app");
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(out.resolve("bench.json")));
		List<String> names = new ArrayList<>();
		for (JsonNode figure : json.get("figures")) {
			names.add(figure.get("name").asString());
			assertThat(figure.get("agent").get("values")).hasSize(1);
			if (figure.get("baseline").isNull()) {
				// Polls are counted in the agent's loops only: the raw echo blocks in recv.
				assertThat(figure.get("name").asString()).as(figure.toString()).startsWith("socket-loop polls per request");
				assertThat(figure.get("ratio").isNull()).as(figure.toString()).isTrue();
				continue;
			}
			assertThat(figure.get("baseline").get("median").isNumber()).isTrue();
			assertThat(figure.get("ratio").isNumber()).as(figure.toString()).isTrue();
		}
		assertThat(names).anyMatch((name) -> name.startsWith("endpoint throughput, 4 clients"))
			.anyMatch((name) -> name.startsWith("REQ/REP round trip p50"))
			.anyMatch((name) -> name.startsWith("socket-loop polls per request"))
			.anyMatch((name) -> name.startsWith("coordinator path throughput"))
			.anyMatch((name) -> name.startsWith("client calls on the callers' own sockets"))
			.anyMatch((name) -> name.startsWith("client calls through the client's loop"))
			.anyMatch((name) -> name.startsWith("idle shutdown"))
			.anyMatch((name) -> name.startsWith("shutdown with 4 requests in flight"))
			.anyMatch((name) -> name.startsWith("start-up to readiness 200, fat jar"))
			.anyMatch((name) -> name.startsWith("RSS when ready, extracted jar + CDS archive"));
	}

}
