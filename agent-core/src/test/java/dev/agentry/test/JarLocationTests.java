package dev.agentry.test;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Where a jar is, from the code source of its classes. */
class JarLocationTests {

	@TempDir
	Path dir;

	@Test
	void findsTheOuterJarOfASpringBootNestedLocation() throws Exception {
		Path jar = Files.createFile(this.dir.resolve("agent-samples.jar"));
		assertThat(JarLocation.jarOf("jar:nested:" + jar + "/!BOOT-INF/classes/!/")).contains(jar.toAbsolutePath());
	}

	@Test
	void findsAPlainJarAndIgnoresAClassDirectory() throws Exception {
		Path jar = Files.createFile(this.dir.resolve("agent-samples.jar"));
		assertThat(JarLocation.jarOf(jar.toUri().toString())).contains(jar.toAbsolutePath());
		assertThat(JarLocation.jarOf("jar:" + jar.toUri() + "!/BOOT-INF/classes/")).contains(jar.toAbsolutePath());
		assertThat(JarLocation.jarOf(this.dir.toUri().toString())).isEmpty();
	}

}
