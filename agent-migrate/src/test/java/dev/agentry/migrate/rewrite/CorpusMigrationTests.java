package dev.agentry.migrate.rewrite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.migrate.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class CorpusMigrationTests {

	private final Migrator migrator = new Migrator();

	@Test
	void migratedSourcesMatchTheGoldenFilesAndUntouchedFilesStayByteForByte() {
		for (Path file : Corpus.files()) {
			if (file.getFileName().toString().equals("Broken.java")) {
				assertThat(this.migrator.migrate(Corpus.read(file))).as("a file that does not parse").isEmpty();
				continue;
			}
			String migrated = this.migrator.migrate(Corpus.read(file)).orElseThrow().migrated();
			Path golden = Corpus.MIGRATED.resolve(file.getFileName());
			String expected = Files.exists(golden) ? Corpus.read(golden) : Corpus.read(file);
			assertThat(migrated).as(file.toString()).isEqualTo(expected);
		}
	}

	@Test
	void theGoldenFilesAreTheOnesThatChange() {
		List<String> changed = new ArrayList<>();
		for (Path file : Corpus.files()) {
			this.migrator.migrate(Corpus.read(file))
				.filter(Migrator.Migration::changed)
				.ifPresent((migration) -> changed.add(file.getFileName().toString()));
		}
		assertThat(changed).containsExactly("ExecutorWorker.java", "PubPublisher.java", "RepServer.java",
				"SignalAgent.java");
	}

	@Test
	void migratingTwiceChangesNothingTheSecondTime() {
		for (Path file : Corpus.files()) {
			this.migrator.migrate(Corpus.read(file)).ifPresent((first) -> {
				Migrator.Migration second = this.migrator.migrate(first.migrated()).orElseThrow();
				assertThat(second.changed()).as(file.toString()).isFalse();
				assertThat(second.changes()).as(file.toString()).isEmpty();
			});
		}
	}

	@Test
	void migratedCodeCompilesWhereverTheInputCompiled(@TempDir Path classes) {
		JavaCompilation javac = new JavaCompilation(classes);
		List<String> compiled = new ArrayList<>();
		for (Path file : Corpus.files()) {
			String name = file.getFileName().toString().replace(".java", "");
			String source = Corpus.read(file);
			if (!javac.compiles(name, source)) {
				continue;
			}
			compiled.add(name);
			String migrated = this.migrator.migrate(source).orElseThrow().migrated();
			assertThat(javac.compiles(name, migrated)).as(name + " after migrate: " + javac.diagnostics()).isTrue();
		}
		// Broken does not parse, GreeterAgent needs agent-core: every other input must have been checked.
		assertThat(compiled).containsExactly("ConfigReloader", "ExecutorWorker", "HeartbeatAgent", "LifecycleWorker",
				"PollingAgent", "PubPublisher", "RepServer", "RouterBroker", "SignalAgent", "StatusClient");
	}

	@Test
	void migrationLeavesTheHazardsItFixedOutOfTheNextAudit() {
		dev.agentry.migrate.audit.Auditor auditor = new dev.agentry.migrate.audit.Auditor();
		String migrated = this.migrator.migrate(Corpus.read(Corpus.SOURCES.resolve("RepServer.java"))).orElseThrow().migrated();
		assertThat(auditor.audit(Path.of("RepServer.java"), migrated)).singleElement()
			.satisfies((type) -> assertThat(type.findings()).extracting((finding) -> finding.rule().id())
				.containsExactly("zcontext-linger", "endless-loop", "blocking-recv"));
	}

}
