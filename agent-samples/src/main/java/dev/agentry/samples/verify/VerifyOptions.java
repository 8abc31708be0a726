package dev.agentry.samples.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.springframework.boot.convert.DurationStyle;

/**
 * verify-shutdown's command line, parsed by picocli.
 *
 * @param agents the agents to check, in order
 * @param scenarios the scenarios to run on each (where they apply)
 * @param exitLimit SIGTERM-to-exit limit for every row, or {@code null} for each agent's
 * budget + 2 s
 * @param report where to write the JSON report, or {@code null}
 * @param dir where the agents' logs and shutdown reports go, or {@code null} for a new
 * temporary directory
 * @param help whether to print the usage and stop
 */
record VerifyOptions(List<String> agents, List<Scenario> scenarios, Duration exitLimit, Path report, Path dir,
		boolean help) {

	/** @throws IllegalArgumentException naming the bad argument */
	static VerifyOptions parse(String[] args) {
		Arguments arguments = new Arguments();
		try {
			commandLine(arguments).parseArgs(args);
		}
		catch (CommandLine.UnmatchedArgumentException ex) {
			String first = ex.getUnmatched().get(0);
			throw new IllegalArgumentException(
					(first.startsWith("-") ? "unknown option '" : "unknown argument '") + first + "'", ex);
		}
		catch (CommandLine.ParameterException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		return arguments.options();
	}

	static String usage() {
		return commandLine(new Arguments()).getUsageMessage(CommandLine.Help.Ansi.OFF) + "Agents: "
				+ String.join(",", SampleTarget.names()) + "\nScenarios: " + String.join(",", Scenario.ids())
				+ "\nExits 0 when every row passes, 1 when one fails, 2 on a usage error.";
	}

	private static CommandLine commandLine(Arguments arguments) {
		return new CommandLine(arguments).setExpandAtFiles(false);
	}

	@Command(name = "java -jar agent-samples.jar verify-shutdown",
			description = "The graceful-shutdown test runner: each agent started, loaded, signalled, timed, checked.")
	static final class Arguments {

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "this help")
		boolean help;

		@Option(names = "--agents", paramLabel = "a,b,...",
				description = "agents to check (default: all)")
		String agents;

		@Option(names = "--scenarios", paramLabel = "x,y,...", description = "scenarios (default: all)")
		String scenarios;

		@Option(names = "--exit-limit", paramLabel = "10s",
				description = "SIGTERM-to-exit limit (default: each agent's shutdown budget + 2s)")
		String exitLimit;

		@Option(names = "--report", paramLabel = "FILE", description = "also write the results as JSON")
		Path report;

		@Option(names = "--dir", paramLabel = "DIR",
				description = "where agent logs and shutdown reports go (default: a new temp dir)")
		Path dir;

		VerifyOptions options() {
			List<String> agents = (this.agents != null) ? agents(this.agents) : SampleTarget.names();
			List<Scenario> scenarios = (this.scenarios != null)
					? list(this.scenarios).stream().map(Scenario::of).toList() : List.of(Scenario.values());
			Duration exitLimit = (this.exitLimit != null) ? DurationStyle.detectAndParse(this.exitLimit) : null;
			return new VerifyOptions(agents, scenarios, exitLimit, this.report, this.dir, this.help);
		}

	}

	private static List<String> agents(String value) {
		List<String> agents = list(value);
		for (String agent : agents) {
			if (!SampleTarget.ALL.containsKey(agent)) {
				throw new IllegalArgumentException(
						"unknown agent '" + agent + "' (known: " + String.join(", ", SampleTarget.names()) + ")");
			}
		}
		return agents;
	}

	private static List<String> list(String value) {
		List<String> items = new ArrayList<>();
		for (String item : value.split(",")) {
			if (!item.isBlank()) {
				items.add(item.trim());
			}
		}
		if (items.isEmpty()) {
			throw new IllegalArgumentException("an empty list");
		}
		return items;
	}

}
