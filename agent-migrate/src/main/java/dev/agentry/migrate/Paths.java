package dev.agentry.migrate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/** A path that does not exist is a usage error (exit 2), not a crash. */
final class Paths {

	private Paths() {
	}

	static void requireExisting(CommandSpec spec, List<Path> paths) {
		for (Path path : paths) {
			if (!Files.exists(path)) {
				throw new CommandLine.ParameterException(spec.commandLine(), "No such file or directory: " + path);
			}
		}
	}

}
