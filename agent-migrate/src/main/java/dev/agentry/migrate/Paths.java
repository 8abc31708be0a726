package dev.agentry.migrate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/** A path that does not exist, or paths without a Java file, are usage errors (exit 2), not a crash or a silent pass. */
final class Paths {

	private Paths() {
	}

	/** The Java files under the paths; none at all is a usage error: a CI gate must not pass on an empty or wrong path. */
	static List<Path> javaFiles(CommandSpec spec, List<Path> paths) {
		requireExisting(spec, paths);
		List<Path> files = dev.agentry.migrate.audit.Sources.javaFiles(paths);
		if (files.isEmpty()) {
			throw new CommandLine.ParameterException(spec.commandLine(), "No Java files found in " + paths);
		}
		return files;
	}

	static void requireExisting(CommandSpec spec, List<Path> paths) {
		for (Path path : paths) {
			if (!Files.exists(path)) {
				throw new CommandLine.ParameterException(spec.commandLine(), "No such file or directory: " + path);
			}
		}
	}

}
