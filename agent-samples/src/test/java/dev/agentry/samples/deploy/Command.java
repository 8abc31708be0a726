package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an outside tool to its end, with its output captured in files (no pipe can fill up). */
final class Command {

	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	private Command() {
	}

	static Result run(List<String> command, Path workDir, Map<String, String> environment)
			throws IOException, InterruptedException {
		return run(command, workDir, environment, TIMEOUT);
	}

	/** As {@link #run(List, Path, Map)}, for a command that may rightly take longer (or must not). */
	static Result run(List<String> command, Path workDir, Map<String, String> environment, Duration timeout)
			throws IOException, InterruptedException {
		Path out = Files.createTempFile(workDir, "out", ".txt");
		Path err = Files.createTempFile(workDir, "err", ".txt");
		ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
			.redirectOutput(out.toFile())
			.redirectError(err.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			throw new IllegalStateException(command + " did not end within " + timeout.toSeconds() + " s");
		}
		return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
				Files.readString(err, StandardCharsets.UTF_8));
	}

	record Result(List<String> command, int exit, String out, String err) {

		/** The standard output, or an exception that shows everything the tool said. */
		String outIfSucceeded() {
			if (this.exit != 0) {
				throw new IllegalStateException(this.command + " exited with " + this.exit + ":\n" + this.err
						+ this.out);
			}
			return this.out;
		}

	}

}
