package dev.agentry.samples.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.convert.DurationStyle;

/**
 * verify-shutdown's command line.
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

	static final String USAGE = """
			Usage: java -jar agent-samples.jar verify-shutdown [options]
			  --agents=a,b,...     agents to check (default: all): %s
			  --scenarios=x,y,...  scenarios (default: all): %s
			  --exit-limit=10s     SIGTERM-to-exit limit (default: each agent's shutdown budget + 2s)
			  --report=FILE        also write the results as JSON
			  --dir=DIR            where agent logs and shutdown reports go (default: a new temp dir)
			Exits 0 when every row passes, 1 when one fails, 2 on a usage error.""";

	/** @throws IllegalArgumentException naming the bad argument */
	static VerifyOptions parse(String[] args) {
		List<String> agents = SampleTarget.names();
		List<Scenario> scenarios = Arrays.asList(Scenario.values());
		Duration exitLimit = null;
		Path report = null;
		Path dir = null;
		for (String arg : args) {
			if (arg.equals("--help") || arg.equals("-h")) {
				return new VerifyOptions(agents, scenarios, null, null, null, true);
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("unknown argument '" + arg + "'");
			}
			String name = arg.substring(2, equals);
			String value = arg.substring(equals + 1);
			switch (name) {
				case "agents" -> agents = agents(value);
				case "scenarios" -> scenarios = list(value).stream().map(Scenario::of).toList();
				case "exit-limit" -> exitLimit = DurationStyle.detectAndParse(value);
				case "report" -> report = Path.of(value);
				case "dir" -> dir = Path.of(value);
				default -> throw new IllegalArgumentException("unknown option '--" + name + "'");
			}
		}
		return new VerifyOptions(agents, scenarios, exitLimit, report, dir, false);
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

	static String usage() {
		return USAGE.formatted(String.join(",", SampleTarget.names()), String.join(",", Scenario.ids()));
	}

}
