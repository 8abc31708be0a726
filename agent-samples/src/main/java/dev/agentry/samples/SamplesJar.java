package dev.agentry.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.agentry.test.JarLocation;

/**
 * Where the samples jar is, for the commands that start sample agents as child JVMs
 * ({@code demo}, {@code verify-shutdown}).
 */
public final class SamplesJar {

	private SamplesJar() {
	}

	/** The samples jar that holds this class, or the system property {@code agentry.samples.jar}. */
	public static Optional<Path> locate() {
		Optional<Path> jar = JarLocation.of(SamplesJar.class);
		if (jar.isPresent()) {
			return jar;
		}
		String property = System.getProperty("agentry.samples.jar");
		if (property != null && Files.isRegularFile(Path.of(property))) {
			return Optional.of(Path.of(property).toAbsolutePath());
		}
		return Optional.empty();
	}


	/** What a command that needs the jar says when {@link #locate()} finds none. */
	public static String notFound(String command) {
		return command + ": cannot find agent-samples.jar; run it with java -jar agent-samples.jar " + command
				+ ", or set -Dagentry.samples.jar=<path>";
	}

}
