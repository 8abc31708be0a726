package dev.agentry.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * Outside tools that some tests need (pyzmq, prometheus-pushgateway). On a developer's
 * machine a missing tool skips the test and says so; with {@code -Dagentry.require-tools=true}
 * (as {@code .ci/run} sets) a missing tool fails it, so CI can never pass by skipping.
 */
public final class Tools {

	private Tools() {
	}

	public static boolean required() {
		return Boolean.getBoolean("agentry.require-tools");
	}

	/** The tool's path on PATH (or one of {@code extraPaths}), or a skip/failure naming it. */
	public static Path require(String tool, String installHint, String... extraPaths) {
		Optional<Path> found = find(tool, extraPaths);
		if (found.isPresent()) {
			return found.get();
		}
		missing(tool + " is not installed (" + installHint + ")");
		return null;
	}

	/** Skips the test (or fails it under agentry.require-tools) with the reason. */
	public static void missing(String reason) {
		if (required()) {
			fail(reason + "; agentry.require-tools=true forbids skipping");
		}
		Assumptions.abort("Skipped: " + reason);
	}

	public static Optional<Path> find(String tool, String... extraPaths) {
		for (String extra : extraPaths) {
			Path candidate = Path.of(extra);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(dir, tool);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/**
	 * A python3 that can {@code import zmq}, or a skip/failure: the one on PATH first, then
	 * Debian's {@code /usr/bin/python3}, where python3-zmq installs (the one on PATH may be
	 * another, from pyenv or a venv, without it).
	 */
	public static Path requirePyzmq() {
		Set<Path> candidates = new LinkedHashSet<>();
		find("python3").ifPresent(candidates::add);
		if (Files.isExecutable(Path.of(DEBIAN_PYTHON))) {
			candidates.add(Path.of(DEBIAN_PYTHON));
		}
		for (Path candidate : candidates) {
			if (importsZmq(candidate)) {
				return candidate;
			}
		}
		missing("pyzmq (Debian package python3-zmq) is not installed");
		return null;
	}

	private static final String DEBIAN_PYTHON = "/usr/bin/python3";

	private static boolean importsZmq(Path python) {
		try {
			Process process = new ProcessBuilder(python.toString(), "-c", "import zmq").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
