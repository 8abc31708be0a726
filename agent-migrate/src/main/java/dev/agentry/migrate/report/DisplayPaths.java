package dev.agentry.migrate.report;

import java.nio.file.Path;

/**
 * Paths as reports show them: relative to the working directory when under it (GitHub code
 * scanning resolves SARIF locations against the checkout), always with forward slashes.
 */
public final class DisplayPaths {

	private DisplayPaths() {
	}

	public static String of(Path file) {
		Path normalized = file.toAbsolutePath().normalize();
		Path base = Path.of("").toAbsolutePath().normalize();
		Path shown = normalized.startsWith(base) ? base.relativize(normalized) : normalized;
		return shown.toString().replace('\\', '/');
	}

}
