package dev.agentry.migrate;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end, in process: exit codes, outputs, files written or not. */
class AgentMigrateTests {

	private final StringWriter out = new StringWriter();

	private final StringWriter err = new StringWriter();

	private int run(String... args) {
		return AgentMigrate.run(new PrintWriter(this.out), new PrintWriter(this.err), args);
	}

	@Test
	void auditPrintsTheTableWithTheSummaryAndExitsZeroWithoutFailOn() {
		assertThat(run("audit", Corpus.SOURCES.toString())).isZero();
		assertThat(this.out.toString()).contains("high       15  RepServer")
			.contains("shutdown-hook")
			.contains("fix: `migrate` moves it: @PreDestroy on close(), hook removed")
			.endsWith("12 files, 13 classes, 4 compliant, 2 low, 2 medium, 5 high, 1 unparseable" + System.lineSeparator());
	}

	@Test
	void failOnExitsOneWhenAClassReachesTheLevel() {
		assertThat(run("audit", Corpus.SOURCES.toString(), "--fail-on", "high")).isEqualTo(1);
		assertThat(run("audit", Corpus.SOURCES.resolve("StatusClient.java").toString(), "--fail-on", "high")).isZero();
		assertThat(run("audit", Corpus.SOURCES.resolve("StatusClient.java").toString(), "--fail-on", "medium"))
			.isEqualTo(1);
		assertThat(run("audit", Corpus.SOURCES.resolve("LifecycleWorker.java").toString(), "--fail-on", "low")).isZero();
	}

	@Test
	void aFileThatDoesNotParseIsReportedAndTheRunGoesOn() {
		assertThat(run("audit", Corpus.SOURCES.resolve("Broken.java").toString(),
				Corpus.SOURCES.resolve("RepServer.java").toString(), "--fail-on", "low")).isEqualTo(1);
		assertThat(this.out.toString()).contains("Broken.java:7").contains("does not parse").contains("RepServer");
	}

	@Test
	void usageErrorsExitTwo() {
		assertThat(run()).isEqualTo(2);
		assertThat(run("audit")).isEqualTo(2);
		assertThat(run("audit", Corpus.SOURCES.toString(), "--format", "xml")).isEqualTo(2);
		assertThat(run("audit", Corpus.SOURCES.toString(), "--fail-on", "compliant")).isEqualTo(2);
		assertThat(run("audit", "no/such/dir")).isEqualTo(2);
		assertThat(run("migrate")).isEqualTo(2);
		assertThat(run("frobnicate")).isEqualTo(2);
	}

	@Test
	void jsonGoesToTheOutputFile(@TempDir Path directory) throws IOException {
		Path report = directory.resolve("reports/audit.json");
		assertThat(run("audit", Corpus.SOURCES.toString(), "--format", "JSON", "--output", report.toString())).isZero();
		assertThat(this.out.toString()).isEmpty();
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(report));
		assertThat(json.path("summary").path("high").asInt()).isEqualTo(5);
		assertThat(json.path("summary").path("unparseable").asInt()).isEqualTo(1);
		JsonNode repServer = json.path("classes").valueStream()
			.filter((type) -> type.path("class").asString().equals("RepServer"))
			.findFirst()
			.orElseThrow();
		assertThat(repServer.path("score").asInt()).isEqualTo(15);
		assertThat(repServer.path("level").asString()).isEqualTo("high");
		assertThat(repServer.path("findings").get(0).path("rule").asString()).isEqualTo("shared-socket");
		assertThat(repServer.path("findings").get(0).path("fix").asString()).isNotBlank();
		assertThat(json.path("unparseable").get(0).path("rule").asString()).isEqualTo("parse-error");
	}

	@Test
	void migrateDryRunPrintsTheDiffAndWritesNothing(@TempDir Path directory) throws IOException {
		Corpus.copyTo(directory);
		Map<Path, String> before = contents(directory);
		assertThat(run("migrate", directory.toString(), "--dry-run")).isZero();
		assertThat(contents(directory)).isEqualTo(before);
		assertThat(this.out.toString()).contains("--- a/").contains("+++ b/").contains("@@ -")
			.contains("+    @PreDestroy")
			.contains("-        Runtime.getRuntime().addShutdownHook(new Thread(this::close, \"rep-server-shutdown\"));");
		assertThat(this.err.toString()).contains("4 of 12 files would change").contains("dry run: nothing written")
			.contains("left for a person: endless-loop");
	}

	@Test
	void migrateWritesTheGoldenSourcesAndASecondRunChangesNothing(@TempDir Path directory) throws IOException {
		Corpus.copyTo(directory);
		assertThat(run("migrate", directory.toString())).isZero();
		assertThat(Files.readString(directory.resolve("SignalAgent.java")))
			.isEqualTo(Corpus.read(Corpus.MIGRATED.resolve("SignalAgent.java")));
		Map<Path, String> after = contents(directory);
		this.out.getBuffer().setLength(0);
		assertThat(run("migrate", directory.toString())).isZero();
		assertThat(this.out.toString()).isEmpty();
		assertThat(contents(directory)).isEqualTo(after);
	}

	@Test
	void aSourceThatIsNotUtf8IsAuditedCountedAndListedButNotRewritten(@TempDir Path directory) throws IOException {
		// ISO-8859-1 "é" in a comment, and a socket without linger that migrate would otherwise fix
		String source = "class Latin { // caf\u00e9\n  ZMQ.Socket s;\n  Latin(ZMQ.Context c) {\n    s = c.socket(SocketType.PUB);\n  }\n}\n";
		Path file = directory.resolve("Latin.java");
		Files.write(file, source.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
		byte[] before = Files.readAllBytes(file);
		assertThat(run("audit", file.toString())).isZero();
		assertThat(this.out.toString()).contains("socket-linger");
		assertThat(run("migrate", file.toString())).isZero();
		assertThat(this.err.toString()).contains("not rewritten, not UTF-8")
			.contains("Latin.java:4: left for a person: socket-linger")
			.contains("0 of 1 files changed, 2 findings left for a person");
		assertThat(Files.readAllBytes(file)).isEqualTo(before);
	}

	@Test
	void migrateReportsWhatIsLeftAtTheOriginalLinesInEveryMode(@TempDir Path directory) throws IOException {
		Corpus.copyTo(directory);
		// RepServer's hook (line 20) goes and close() gets @PreDestroy: the loop stays at 24 in the file as it was
		assertThat(run("migrate", directory.resolve("RepServer.java").toString(), "--dry-run")).isZero();
		String dryRun = this.err.toString();
		assertThat(dryRun).contains("RepServer.java:24: left for a person: endless-loop")
			.contains("RepServer.java:25: left for a person: blocking-recv");
		this.err.getBuffer().setLength(0);
		assertThat(run("migrate", directory.resolve("RepServer.java").toString())).isZero();
		assertThat(this.err.toString()).contains("RepServer.java:24: left for a person: endless-loop");
	}

	@Test
	void aSymlinkedRootIsFollowed(@TempDir Path directory) throws IOException {
		Path sources = Corpus.copyTo(Files.createDirectory(directory.resolve("sources")));
		Path link = Files.createSymbolicLink(directory.resolve("link"), sources);
		assertThat(run("audit", link.toString(), "--fail-on", "low")).isEqualTo(1);
		assertThat(this.out.toString()).contains("12 files, 13 classes");
	}

	@Test
	void noJavaFileIsAUsageErrorWithAMessage(@TempDir Path directory) {
		assertThat(run("audit", directory.toString(), "--fail-on", "low")).isEqualTo(2);
		assertThat(this.err.toString()).contains("No Java files found");
		assertThat(run("migrate", directory.toString())).isEqualTo(2);
	}

	@Test
	void anOutputThatCannotBeWrittenIsOneLineAndExitCodeThree(@TempDir Path directory) throws IOException {
		Path notADirectory = Files.writeString(directory.resolve("file"), "x");
		int code = run("audit", Corpus.SOURCES.toString(), "--output", notADirectory.resolve("audit.txt").toString());
		assertThat(code).isEqualTo(3);
		assertThat(this.err.toString().strip().lines()).singleElement()
			.satisfies((line) -> assertThat(line).startsWith("agent-migrate: I/O error on ").contains("file"));
	}

	private static Map<Path, String> contents(Path directory) throws IOException {
		Map<Path, String> contents = new HashMap<>();
		try (var files = Files.list(directory)) {
			for (Path file : files.toList()) {
				contents.put(file.getFileName(), Files.readString(file));
			}
		}
		return contents;
	}

}
