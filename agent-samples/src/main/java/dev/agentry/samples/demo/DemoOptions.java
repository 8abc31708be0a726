package dev.agentry.samples.demo;

import java.time.Duration;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The demo's command line, parsed by picocli. */
@Command(name = "java -jar agent-samples.jar demo",
		description = "Starts the sample system on free loopback ports, drives load through the request-coordinator, "
				+ "rolls both model-workers like a Kubernetes rolling update and prints what the clients saw. "
				+ "Every socket uses CURVE, with keys made by keygen in the demo's folder; --plain turns it off.")
final class DemoOptions {

	@Option(names = { "-h", "--help" }, usageHelp = true, description = "this help")
	boolean help;

	@Option(names = "--clients", paramLabel = "N", defaultValue = "4",
			description = "load clients, one request in flight each (default: ${DEFAULT-VALUE})")
	int clients;

	@Option(names = "--duration", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
			description = "how long the load runs at least: 20s, 1500ms, 1m; a bare number is seconds (default: ${DEFAULT-VALUE})")
	Duration duration;

	@Option(names = "--plain", description = "no CURVE: plain-text sockets that serve any peer")
	boolean plain;

	/** @throws CommandLine.ParameterException naming the bad argument */
	static DemoOptions parse(String[] args) {
		DemoOptions options = new DemoOptions();
		CommandLine commandLine = commandLine(options);
		commandLine.parseArgs(args);
		if (options.clients < 1) {
			throw new CommandLine.ParameterException(commandLine, "--clients: at least one client");
		}
		return options;
	}

	static String usage() {
		return commandLine(new DemoOptions()).getUsageMessage(CommandLine.Help.Ansi.OFF);
	}

	private static CommandLine commandLine(DemoOptions options) {
		return new CommandLine(options).setExpandAtFiles(false);
	}

	static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

		@Override
		public Duration convert(String value) {
			return Demo.parseDuration(value);
		}

	}

}
