package dev.agentry.samples.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
		Path output = this.dir.resolve("demo.out");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process demo = new ProcessBuilder(List.of(java, "-jar", JAR.toString(), "demo")).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		boolean finished;
		try {
			finished = demo.waitFor(3, TimeUnit.MINUTES);
		}
		finally {
			// A demo that hangs is killed with its children: its shutdown hook kills them on SIGTERM.
			if (demo.isAlive()) {
				demo.destroy();
				if (!demo.waitFor(15, TimeUnit.SECONDS)) {
					demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
		}
		String text = Files.readString(output, StandardCharsets.UTF_8);
		assertThat(finished).as("the demo finished within 3 minutes; output:%n%s", text).isTrue();
		assertThat(demo.exitValue()).as("exit code; output:%n%s", text).isZero();
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
