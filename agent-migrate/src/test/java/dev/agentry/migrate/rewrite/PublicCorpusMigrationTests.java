package dev.agentry.migrate.rewrite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.migrate.Corpus;
import dev.agentry.migrate.PublicCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** migrate on public code: it keeps compiling, a second run changes nothing, interrupts behave as before. */
class PublicCorpusMigrationTests {

	private final Migrator migrator = new Migrator();

	@Test
	void migratedCodeCompilesWhereverTheInputCompiled(@TempDir Path classes) {
		JavaCompilation javac = JavaCompilation.onTestClasspath(classes);
		List<String> compiled = new ArrayList<>();
		for (Path file : PublicCorpus.files()) {
			String name = file.getFileName().toString().replace(".java", "");
			String source = Corpus.read(file);
			if (!javac.compiles(name, source)) {
				System.out.println(name + " does not compile as released: " + javac.diagnostics());
				continue;
			}
			compiled.add(name);
			Migrator.Migration migration = this.migrator.migrate(source).orElseThrow();
			assertThat(javac.compiles(name, migration.migrated())).as(name + " after migrate: " + javac.diagnostics())
				.isTrue();
		}
		// every file compiles as released, against the project's JeroMQ and the artifacts' own dependencies
		assertThat(compiled).containsExactlyInAnyOrder("HeartbeatChannel", "IOPubChannel", "JupyterConnection",
				"JupyterSocket", "Loop", "ShellChannel", "StdinChannel", "ZBeacon", "ZMonitor", "ZThread",
				"ZeroMqProxy", "ZeroMqChannel", "ZeroMqMessageProducer", "ZeroMqMessageHandler");
	}

	/**
	 * Nothing in this corpus is a safe mechanical rewrite: its ZMQ.Context sockets are ZMQ.Socket
	 * subclasses (no creation call to put a linger after), every other socket is a ZContext one
	 * (linger 0 is left alone), and no swallowed interrupt can be restored without a socket call
	 * possibly following. migrate must leave every file exactly as it is.
	 */
	@Test
	void migrateLeavesThisCorpusAsItIs() {
		for (Path file : PublicCorpus.files()) {
			Migrator.Migration migration = this.migrator.migrate(Corpus.read(file)).orElseThrow();
			assertThat(migration.changed()).as(file + ": " + migration.changes()).isFalse();
		}
	}

	/**
	 * Every swallowed interrupt in this corpus sits in a loop or before more socket calls, where a
	 * restored flag would make the next JeroMQ call fail and lose its message (JeroMQ 0.6.0):
	 * migrate must leave each one as it is, so no program here acts differently on an interrupt.
	 */
	@Test
	void noInterruptIsRestoredWhereASocketCallCanFollow() {
		for (Path file : PublicCorpus.files()) {
			Migrator.Migration migration = this.migrator.migrate(Corpus.read(file)).orElseThrow();
			assertThat(migration.changes()).as(file.toString()).noneMatch((change) -> change.contains("interrupt flag"));
			assertThat(count(migration.migrated(), ".interrupt()")).as(file.toString())
				.isEqualTo(count(migration.original(), ".interrupt()"));
		}
	}

	@Test
	void theRestoreStillHappensWhereNothingFollowsInAFileWithoutJeroMq() {
		String source = "class A {\n    void f() {\n        try {\n            Thread.sleep(1);\n        } catch (InterruptedException e) {\n        }\n        System.out.println(\"done\");\n    }\n}\n";
		assertThat(this.migrator.migrate(source).orElseThrow().migrated()).contains("Thread.currentThread().interrupt();");
		String jeromq = "import org.zeromq.ZMQ;\n" + source.replace("System.out.println(\"done\")", "socket.send(\"done\")")
			.replace("void f() {", "ZMQ.Socket socket;\n    void f() {");
		assertThat(this.migrator.migrate(jeromq).orElseThrow().changed()).isFalse();
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

}
