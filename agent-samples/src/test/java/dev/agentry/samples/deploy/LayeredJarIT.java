package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.test.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The image's runtime stage without a container engine: the packaged samples jar is
 * extracted as the Dockerfile's build stage does, its layers are copied in the Dockerfile's
 * order into one folder as its COPY lines do, and an agent is started there with the
 * Dockerfile's ENTRYPOINT and JVM options, then stopped with SIGTERM. The CDS archive that
 * the ENTRYPOINT names is not there (only the image build trains it): the JVM starts without
 * it, as it does in an image whose JVM options the archive does not fit.
 */
class LayeredJarIT {

	private static final Path JAR = Repository.ROOT.resolve("agent-samples/target/agent-samples.jar");

	@TempDir
	Path dir;

	@Test
	void theJarsLayersAreTheOnesTheDockerfileCopies() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		String layers = Command.run(List.of(java(), "-Djarmode=tools", "-jar", JAR.toString(), "list-layers"), this.dir,
				Map.of())
			.outIfSucceeded();
		assertThat(layers.lines().map(String::strip).filter((line) -> !line.isEmpty()))
			.containsExactlyElementsOf(dockerfile.copiedLayers());
	}

	@Test
	void anAgentStartsFromTheRuntimeLayoutAndStopsCleanlyOnSigterm() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		Path app = runtimeLayout(dockerfile);
		int httpPort = FreePorts.next();
		List<String> command = new ArrayList<>(entrypoint(dockerfile));
		// The first argument picks the agent; local ports instead of the container's 8080/5555/5556.
		command.addAll(List.of("service-registry", "--server.port=" + httpPort, "--server.address=127.0.0.1",
				"--agent.endpoint.bind=tcp://127.0.0.1:" + FreePorts.next(),
				"--agent.health.bind=tcp://127.0.0.1:" + FreePorts.next(),
				"--agent.shutdown.report-file=" + this.dir.resolve("last-shutdown.json")));
		Path log = this.dir.resolve("agent.log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		// As in the image: the classes come from the jar and its manifest's lib/ entries only.
		builder.environment().remove("CLASSPATH");
		builder.environment().put("JDK_JAVA_OPTIONS", dockerfile.runtimeEnv().get("JDK_JAVA_OPTIONS"));
		Process agent = builder.start();
		try {
			await("readiness of the agent started from the layers").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					assertThat(agent.isAlive()).as("the agent exited; log:%n%s", Files.readString(log)).isTrue();
					return LocalHttp.status(httpPort, "/actuator/health/readiness") == 200;
				});
			agent.destroy();
			assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("exit after SIGTERM").isTrue();
			assertThat(agent.exitValue()).as("exit code; log:%n%s", Files.readString(log)).isEqualTo(143);
			assertThat(Files.readString(log)).contains("Picked up JDK_JAVA_OPTIONS");
			assertThat(this.dir.resolve("last-shutdown.json")).isRegularFile();
		}
		finally {
			agent.destroyForcibly();
		}
	}

	/** The build stage's extraction, then the runtime stage's COPY of each layer into /app. */
	private Path runtimeLayout(DockerfileModel dockerfile) throws Exception {
		Path layers = this.dir.resolve("layers");
		Command.run(List.of(java(), "-Djarmode=tools", "-jar", JAR.toString(), "extract", "--layers",
				"--destination", layers.toString()), this.dir, Map.of())
			.outIfSucceeded();
		Path app = Files.createDirectories(this.dir.resolve("app"));
		for (String layer : dockerfile.copiedLayers()) {
			copyTree(layers.resolve(layer), app);
		}
		return app;
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> files = Files.walk(from)) {
			for (Path file : files.toList()) {
				Path target = to.resolve(from.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

	/** The Dockerfile's exec-form ENTRYPOINT, with this JDK's java. */
	private static List<String> entrypoint(DockerfileModel dockerfile) throws IOException {
		String[] argv = new ObjectMapper().readValue(dockerfile.all(dockerfile.lastStage(), "ENTRYPOINT").get(0),
				String[].class);
		List<String> command = new ArrayList<>(List.of(argv));
		assertThat(command.get(0)).isEqualTo("java");
		command.set(0, java());
		return command;
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
