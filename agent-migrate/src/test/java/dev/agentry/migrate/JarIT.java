package dev.agentry.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar as the README runs it: {@code java -jar agent-migrate/target/agent-migrate.jar ...}. */
class JarIT {

	private static final Path JAR = Path.of("target/agent-migrate.jar");

	private record Result(int exit, String out) {
	}

	private static Result java(Path workingDirectory, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-jar", JAR.toAbsolutePath().toString()));
		command.addAll(List.of(args));
		Path output = Files.createTempFile("agent-migrate-jar", ".out");
		Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the jar finished").isTrue();
		return new Result(process.exitValue(), Files.readString(output));
	}

	@Test
	void auditGatesOnHighAndPrintsTheSummary() throws Exception {
		Result result = java(Path.of("."), "audit", Corpus.SOURCES.toString(), "--fail-on", "high");
		assertThat(result.exit()).as(result.out()).isEqualTo(1);
		assertThat(result.out()).contains("12 files, 13 classes, 4 compliant, 2 low, 2 medium, 5 high, 1 unparseable");
	}

	@Test
	void migrateDryRunPrintsARelativeDiffAndWritesNothing(@TempDir Path directory) throws Exception {
		Corpus.copyTo(directory);
		String before = Files.readString(directory.resolve("RepServer.java"));
		Result result = java(directory, "migrate", ".", "--dry-run");
		assertThat(result.exit()).as(result.out()).isZero();
		assertThat(result.out()).contains("--- a/RepServer.java").contains("+++ b/RepServer.java").contains("+    @PreDestroy");
		assertThat(Files.readString(directory.resolve("RepServer.java"))).isEqualTo(before);
	}

	@Test
	void sarifGoesToTheOutputFile(@TempDir Path directory) throws Exception {
		Path sarif = directory.resolve("agent-migrate.sarif");
		Result result = java(Path.of("."), "audit", Corpus.SOURCES.toString(), "--format", "sarif", "--output",
				sarif.toString());
		assertThat(result.exit()).as(result.out()).isZero();
		assertThat(Files.readString(sarif)).contains("\"version\" : \"2.1.0\"").contains("\"ruleId\" : \"shutdown-hook\"");
	}

}
