package dev.agentry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.springframework.boot.convert.DurationStyle;

/**
 * The benchmark's command line, parsed by picocli.
 *
 * @param rounds how often each figure is measured (min/median/max over them)
 * @param measure how long one throughput measurement counts replies
 * @param latencyRequests round trips per latency measurement
 * @param suites which suites to run: endpoint, coordinator, client, shutdown, startup
 * @param out where {@code bench.md} and {@code bench.json} go
 * @param jdk25 a JDK 25's {@code bin/java} for the AOT-cache start-up mode, if any
 * @param agentJvmOptions extra JVM options for the agents under measurement (the bench agent, the
 * request-coordinator), e.g. to profile them
 */
record BenchOptions(int rounds, Duration measure, int latencyRequests, List<String> suites, Path out,
		Optional<Path> jdk25, List<String> agentJvmOptions) {

	static final List<String> SUITES = List.of("endpoint", "coordinator", "client", "shutdown", "startup");

	private static final Path DEFAULT_JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

	/** @throws IllegalArgumentException naming the bad argument */
	static BenchOptions parse(List<String> args) {
		Arguments arguments = new Arguments();
		try {
			commandLine(arguments).parseArgs(args.toArray(String[]::new));
		}
		catch (CommandLine.ParameterException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
		return arguments.options();
	}

	static String usage() {
		return commandLine(new Arguments()).getUsageMessage(CommandLine.Help.Ansi.OFF);
	}

	private static CommandLine commandLine(Arguments arguments) {
		return new CommandLine(arguments).setExpandAtFiles(false);
	}

	boolean runs(String suite) {
		return this.suites.contains(suite);
	}

	@Command(name = "java -jar agent-bench/target/agent-bench.jar",
			description = "Benchmarks agent-core against raw JeroMQ and a plain Spring Boot app; writes bench.md and bench.json.")
	static final class Arguments {

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "this help")
		boolean help;

		@Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
				description = "measurements per figure (min/median/max), default ${DEFAULT-VALUE}")
		int rounds;

		@Option(names = "--measure", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
				description = "how long each throughput measurement counts, default ${DEFAULT-VALUE}")
		Duration measure;

		@Option(names = "--latency-requests", paramLabel = "N", defaultValue = "20000",
				description = "round trips per latency measurement, default ${DEFAULT-VALUE}")
		int latencyRequests;

		@Option(names = "--suites", paramLabel = "SUITE", split = ",",
				defaultValue = "endpoint,coordinator,client,shutdown,startup",
				description = "endpoint, coordinator, client, shutdown, startup (default: all)")
		List<String> suites;

		@Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
				description = "where bench.md and bench.json go, default ${DEFAULT-VALUE}")
		Path out;

		@Option(names = "--jdk25", paramLabel = "PATH",
				description = "a JDK 25 home for the AOT-cache start-up mode (default: " + "/usr/lib/jvm/temurin-25-jdk-amd64"
						+ " when present)")
		Path jdk25Home = DEFAULT_JDK25;

		@Option(names = "--agent-jvm-options", paramLabel = "\"OPTIONS\"",
				description = "extra JVM options for the agents under measurement (the bench agent, the "
						+ "request-coordinator), e.g. to profile them with JFR: "
						+ "\"-XX:StartFlightRecording=filename=agent-%p.jfr,settings=profile\"")
		String agentJvmOptions;

		@Option(names = "--quick",
				description = "one short round of everything (a smoke run; figures are not meaningful)")
		boolean quick;

		BenchOptions options() {
			for (String suite : this.suites) {
				if (!SUITES.contains(suite)) {
					throw new IllegalArgumentException("unknown suite '" + suite + "' (known: " + SUITES + ")");
				}
			}
			int rounds = this.quick ? 1 : positive(this.rounds);
			Duration measure = this.quick ? Duration.ofMillis(500) : this.measure;
			int latencyRequests = this.quick ? 500 : positive(this.latencyRequests);
			Path java = this.jdk25Home.resolve("bin").resolve("java");
			List<String> jvmOptions = (this.agentJvmOptions != null)
					? List.of(this.agentJvmOptions.trim().split("\\s+")) : List.of();
			return new BenchOptions(rounds, measure, latencyRequests, List.copyOf(this.suites), this.out,
					Files.isExecutable(java) ? Optional.of(java) : Optional.empty(), jvmOptions);
		}

		private static int positive(int value) {
			if (value < 1) {
				throw new IllegalArgumentException("must be at least 1: " + value);
			}
			return value;
		}

	}

	/** Durations as the agents read them: {@code 3s}, {@code 500ms}, ISO-8601. */
	static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

		@Override
		public Duration convert(String value) {
			return DurationStyle.detectAndParse(value);
		}

	}

}
