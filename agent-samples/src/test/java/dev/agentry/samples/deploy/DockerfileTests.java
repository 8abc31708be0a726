package dev.agentry.samples.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.test.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile: clean under dockerlinter (which runs shellcheck on the RUN lines), and
 * the properties a rolling update depends on. The image itself is not built here (no
 * container engine in CI); LayeredJarIT runs the runtime stage's layout from the real jar.
 */
class DockerfileTests {

	private static final ObjectMapper JSON = new ObjectMapper();

	@TempDir
	Path workDir;

	@Test
	void dockerlinterFindsNothing() throws Exception {
		Command.Result result = lint(Repository.DOCKERFILE);
		assertThat(result.exit()).as("dockerlinter on the Dockerfile:%n%s%s", result.out(), result.err()).isZero();
		assertThat(result.out().strip()).isIn("", "[]");
	}

	@Test
	void dockerlinterCatchesAShellFormEntrypointAndAdd() throws Exception {
		// The linter must really run: a Dockerfile with the mistakes it is here for fails it.
		Path bad = Files.writeString(this.workDir.resolve("Dockerfile.bad"), """
				FROM eclipse-temurin:21-jre
				ADD app.jar /app.jar
				ENTRYPOINT java -jar /app.jar
				""");
		Command.Result result = lint(bad);
		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.out()).contains("EJ0002").contains("EA0002");
	}

	private Command.Result lint(Path dockerfile) throws Exception {
		Tools.require("node", "Node.js, which runs dockerlinter");
		Tools.require("shellcheck", "Debian package shellcheck, which dockerlinter runs on RUN lines");
		Path linter = Tools.require("dockerlinter", "run scripts/install-deploy-tools",
				Repository.TOOLS.resolve("dockerlinter/node_modules/.bin/dockerlinter").toString());
		// dockerlinter writes its shellcheck scripts into the working directory.
		return Command.run(List.of(linter.toString(), "--file", dockerfile.toString(), "--error", "info", "--json"),
				this.workDir, Map.of());
	}

	@Test
	void entrypointIsExecFormSoTheJvmIsPidOne() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		List<String> entrypoints = dockerfile.all(dockerfile.lastStage(), "ENTRYPOINT");
		assertThat(entrypoints).hasSize(1);
		String[] argv = JSON.readValue(entrypoints.get(0), String[].class);
		assertThat(argv).containsExactly("java", "-XX:SharedArchiveFile=agent-samples.jsa", "-jar",
				"agent-samples.jar");
		assertThat(dockerfile.all(dockerfile.lastStage(), "CMD")).isEmpty();
	}

	@Test
	void theCdsArchiveIsTrainedWithTheRuntimeStagesJvmAndOptions() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		List<DockerfileModel.Instruction> runtime = dockerfile.instructions()
			.stream()
			.filter((instruction) -> instruction.stage() == dockerfile.lastStage())
			.toList();
		int training = indexOf(runtime, "RUN", "-XX:ArchiveClassesAtExit=agent-samples.jsa");
		assertThat(runtime.get(training).arguments()).contains("-Dspring.context.exit=onRefresh")
			.contains("-jar agent-samples.jar");
		// The options that shape the archive are in force for the training run, as at run time.
		assertThat(indexOf(runtime, "ENV", "JDK_JAVA_OPTIONS=")).isLessThan(training);
		assertThat(indexOf(runtime, "ENTRYPOINT", "-XX:SharedArchiveFile=agent-samples.jsa")).isGreaterThan(training);
		assertThat(runtime.stream().filter((instruction) -> instruction.keyword().equals("COPY")).mapToInt(runtime::indexOf))
			.allMatch((copy) -> copy < training);
	}

	private static int indexOf(List<DockerfileModel.Instruction> instructions, String keyword, String text) {
		for (int i = 0; i < instructions.size(); i++) {
			if (instructions.get(i).keyword().equals(keyword) && instructions.get(i).arguments().contains(text)) {
				return i;
			}
		}
		throw new AssertionError("No " + keyword + " with " + text);
	}

	@Test
	void runtimeStageRunsAsANumericNonRootUser() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		int runtime = dockerfile.lastStage();
		List<String> users = dockerfile.all(runtime, "USER");
		assertThat(users).hasSize(1);
		String uid = dockerfile.argDefaults(runtime).get("APP_UID");
		assertThat(users.get(0)).isEqualTo("${APP_UID}:${APP_UID}");
		assertThat(Integer.parseInt(uid)).isPositive();
		// The chart's default user is the image's.
		assertThat(Files.readString(Repository.CHART.resolve("values.yaml"))).contains("runAsUser: " + uid);
	}

	@Test
	void runtimeStageCopiesEachSpringBootLayerOnItsOwn() throws Exception {
		assertThat(DockerfileModel.read(Repository.DOCKERFILE).copiedLayers())
			.containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
	}

	@Test
	void baseImagesAreBuildArgumentsWithPublicDefaults() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		assertThat(dockerfile.argDefaults(-1)).containsEntry("BUILD_IMAGE", "eclipse-temurin:21-jdk")
			.containsEntry("RUNTIME_IMAGE", "eclipse-temurin:21-jre");
		assertThat(dockerfile.all(0, "FROM")).containsExactly("${BUILD_IMAGE} AS build");
		assertThat(dockerfile.all(dockerfile.lastStage(), "FROM")).containsExactly("${RUNTIME_IMAGE}");
		assertThat(dockerfile.argDefaults(0)).containsKey("PREBUILT_JAR");
	}

	@Test
	void theHeapFollowsTheContainersMemoryLimit() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		String options = dockerfile.runtimeEnv().get("JDK_JAVA_OPTIONS");
		assertThat(options).contains("-XX:MaxRAMPercentage=");
		assertThat(dockerfile.instructions()).extracting(DockerfileModel.Instruction::arguments)
			.noneMatch((arguments) -> arguments.contains("-Xmx"));
	}

	@Test
	void containerPortsAreTheOnesTheChartUses() throws Exception {
		DockerfileModel dockerfile = DockerfileModel.read(Repository.DOCKERFILE);
		assertThat(dockerfile.runtimeEnv()).containsEntry("SERVER_ADDRESS", "0.0.0.0")
			.containsEntry("SERVER_PORT", "8080")
			.containsEntry("AGENT_ENDPOINT_BIND", "tcp://*:5555")
			.containsEntry("AGENT_HEALTH_BIND", "tcp://*:5556");
		assertThat(dockerfile.all(dockerfile.lastStage(), "EXPOSE")).containsExactly("8080 5555 5556");
	}

}
