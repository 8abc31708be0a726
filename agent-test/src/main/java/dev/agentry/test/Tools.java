package dev.agentry.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

}
