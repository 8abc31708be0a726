package dev.agentry.samples.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's own parsing: where the samples jar is, and its options. */
class DemoTests {

	@TempDir
	Path dir;

	@Test
	void findsTheOuterJarOfASpringBootNestedLocation() throws Exception {
		Path jar = Files.createFile(this.dir.resolve("agent-samples.jar"));
		assertThat(Demo.jarOf("jar:nested:" + jar + "/!BOOT-INF/classes/!/")).contains(jar.toAbsolutePath());
	}

	@Test
	void findsAPlainJarAndIgnoresAClassDirectory() throws Exception {
		Path jar = Files.createFile(this.dir.resolve("agent-samples.jar"));
		assertThat(Demo.jarOf(jar.toUri().toString())).contains(jar.toAbsolutePath());
		assertThat(Demo.jarOf("jar:" + jar.toUri() + "!/BOOT-INF/classes/")).contains(jar.toAbsolutePath());
		assertThat(Demo.jarOf(this.dir.toUri().toString())).isEmpty();
	}

	@Test
	void parsesDurations() {
		assertThat(Demo.parseDuration("20s")).isEqualTo(Duration.ofSeconds(20));
		assertThat(Demo.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
		assertThat(Demo.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
		assertThat(Demo.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void refusesUnknownOptions() {
		assertThat(Demo.run(new String[] { "--nope" })).isEqualTo(2);
		assertThat(Demo.run(new String[] { "--clients=0" })).isEqualTo(2);
	}

}
