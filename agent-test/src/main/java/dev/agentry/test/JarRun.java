package dev.agentry.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool run to its end as its users run it, {@code java -jar tool.jar args...},
 * for tests of commands such as {@code demo} or {@code verify-shutdown}: its exit code and
 * everything it printed. One that runs past the timeout gets SIGTERM (so that its own
 * shutdown hook can stop what it started), then SIGKILL.
 *
 * @param finished whether it ended by itself within the timeout
 * @param exitCode its exit code (after the kill, when it did not finish)
 * @param output stdout and stderr
 */
public record JarRun(boolean finished, int exitCode, String output) {

	public static JarRun of(Path jar, Duration timeout, Path outputFile, String... args) {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(outputFile.toFile())
				.start();
			boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				process.destroy();
				if (!process.waitFor(15, TimeUnit.SECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			return new JarRun(finished, process.exitValue(), Files.readString(outputFile, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while " + jar + " ran", ex);
		}
	}

}
