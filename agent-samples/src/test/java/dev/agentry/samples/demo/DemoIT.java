package dev.agentry.samples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.agentry.test.JarRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users' first command, as they run it: {@code java -jar agent-samples.jar demo} rolls
 * both model-workers under load and reports no lost and no failed request, counted by its own
 * clients.
 */
class DemoIT {

	private static final Path JAR = Path.of("target", "agent-samples.jar");

	@TempDir
	Path dir;

	@Test
	void rollsBothWorkersUnderLoadWithoutLosingOrFailingARequest() throws Exception {
		JarRun demo = JarRun.of(JAR, Duration.ofMinutes(3), this.dir.resolve("demo.out"), "demo");
		String text = demo.output();
		assertThat(demo.finished()).as("the demo finished within 3 minutes; output:%n%s", text).isTrue();
		assertThat(demo.exitCode()).as("exit code; output:%n%s", text).isZero();
		assertThat(text).as("progress lines")
			.contains("[demo] started service-registry", "[demo] started request-coordinator", "[demo] load running: 4 clients",
					"[demo] rolling model-worker-1: new instance model-worker-3 ready and registered",
					"[demo] rolling model-worker-2: new instance model-worker-4 ready and registered",
					"[demo] rolling model-worker-1: SIGTERM", "[demo] rolling model-worker-2: SIGTERM");
		assertThat(text).as("the summary")
			.containsPattern("\\[demo] requests: sent [1-9][0-9]*, ok [1-9][0-9]*, retried [0-9]+, failed 0, lost 0\\R")
			.contains("[demo] workers rolled: 2 of 2")
			.contains("[demo] RESULT: PASS");
		for (String agent : List.of("model-worker-1", "model-worker-2", "observability-hub", "request-coordinator",
				"streaming-interrupt-handler", "model-worker-3", "model-worker-4", "service-registry")) {
			assertThat(text).as("the summary shows %s's shutdown", agent)
				.containsPattern("\\[demo]   " + agent + " +pid [0-9]+ +exited 143 in [0-9.]+ s, shutdown graceful");
		}
	}

}
