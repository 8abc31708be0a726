package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentry.test.Tools;

/**
 * The helm binary, from {@code .tools/helm/} (scripts/install-deploy-tools) or PATH, run
 * with its cache, config and data folders in a temporary folder so that it reads no
 * repositories or plugins of the user's.
 */
final class Helm {

	static final String RELEASE = "rel";

	private final Path binary;

	private final Path home;

	private Helm(Path binary, Path home) {
		this.binary = binary;
		this.home = home;
	}

	/** The helm binary, or the test skipped (failed under agentry.require-tools) saying why. */
	static Helm require(Path home) {
		Path binary = Tools.require("helm", "run scripts/install-deploy-tools",
				Repository.TOOLS.resolve("helm/helm").toString());
		return new Helm(binary, home);
	}

	/** {@code helm template} of the chart with the values files and {@code --set} pairs given. */
	Command.Result template(List<Path> valuesFiles, String... sets) throws IOException, InterruptedException {
		return run(withValues(new ArrayList<>(List.of("template", RELEASE, Repository.CHART.toString())),
				valuesFiles, sets));
	}

	/** {@code helm lint --strict} of the chart with the values files and {@code --set} pairs given. */
	Command.Result lint(List<Path> valuesFiles, String... sets) throws IOException, InterruptedException {
		return run(withValues(new ArrayList<>(List.of("lint", "--strict", Repository.CHART.toString())),
				valuesFiles, sets));
	}

	private static List<String> withValues(List<String> args, List<Path> valuesFiles, String... sets) {
		for (Path values : valuesFiles) {
			args.add("--values=" + values);
		}
		for (String set : sets) {
			args.add("--set=" + set);
		}
		return args;
	}

	private Command.Result run(List<String> args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(this.binary.toString());
		command.addAll(args);
		Files.createDirectories(this.home);
		return Command.run(command, this.home,
				Map.of("HELM_CACHE_HOME", this.home.resolve("cache").toString(), "HELM_CONFIG_HOME",
						this.home.resolve("config").toString(), "HELM_DATA_HOME",
						this.home.resolve("data").toString()));
	}

}
