package dev.agentry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.convert.DurationStyle;

/**
 * The benchmark's command line.
 *
 * @param rounds how often each figure is measured (min/median/max over them)
 * @param measure how long one throughput measurement counts replies
 * @param latencyRequests round trips per latency measurement
 * @param suites which suites to run: endpoint, coordinator, shutdown, startup
 * @param out where {@code bench.md} and {@code bench.json} go
 * @param jdk25 a JDK 25's {@code bin/java} for the AOT-cache start-up mode, if any
 * @param agentJvmOptions extra JVM options for the agent under measurement, e.g. to profile it
 */
record BenchOptions(int rounds, Duration measure, int latencyRequests, List<String> suites, Path out,
		Optional<Path> jdk25, List<String> agentJvmOptions) {

	static final List<String> SUITES = List.of("endpoint", "coordinator", "shutdown", "startup");

	static final String USAGE = """
			Usage: java -jar agent-bench/target/agent-bench.jar [options]
			  --rounds=5            measurements per figure (min/median/max)
			  --measure=3s          how long each throughput measurement counts
			  --latency-requests=20000  round trips per latency measurement
			  --suites=a,b          endpoint, coordinator, shutdown, startup (default: all)
			  --out=bench-results   where bench.md and bench.json go
			  --jdk25=PATH          a JDK 25 home for the AOT-cache start-up mode
			                        (default: /usr/lib/jvm/temurin-25-jdk-amd64 when present)
			  --agent-jvm-options="-XX:StartFlightRecording=filename=agent.jfr,settings=profile"
			                        extra JVM options for the agent, e.g. to profile it with JFR
			  --quick               one short round of everything (a smoke run; figures are not meaningful)""";

	private static final Path DEFAULT_JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

	/** @throws IllegalArgumentException naming the bad argument */
	static BenchOptions parse(List<String> args) {
		int rounds = 5;
		Duration measure = Duration.ofSeconds(3);
		int latencyRequests = 20_000;
		List<String> suites = SUITES;
		Path out = Path.of("bench-results");
		Path jdk25Home = DEFAULT_JDK25;
		List<String> agentJvmOptions = List.of();
		for (String arg : args) {
			if (arg.equals("--quick")) {
				rounds = 1;
				measure = Duration.ofMillis(500);
				latencyRequests = 500;
				continue;
			}
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("unknown argument '" + arg + "'");
			}
			String value = arg.substring(equals + 1);
			switch (arg.substring(2, equals)) {
				case "rounds" -> rounds = positive(Integer.parseInt(value));
				case "measure" -> measure = DurationStyle.detectAndParse(value);
				case "latency-requests" -> latencyRequests = positive(Integer.parseInt(value));
				case "suites" -> suites = suites(value);
				case "out" -> out = Path.of(value);
				case "jdk25" -> jdk25Home = Path.of(value);
				case "agent-jvm-options" -> agentJvmOptions = List.of(value.trim().split("\\s+"));
				default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
			}
		}
		Path java = jdk25Home.resolve("bin").resolve("java");
		return new BenchOptions(rounds, measure, latencyRequests, suites, out,
				Files.isExecutable(java) ? Optional.of(java) : Optional.empty(), agentJvmOptions);
	}

	private static int positive(int value) {
		if (value < 1) {
			throw new IllegalArgumentException("must be at least 1: " + value);
		}
		return value;
	}

	private static List<String> suites(String value) {
		List<String> suites = List.of(value.split(","));
		for (String suite : suites) {
			if (!SUITES.contains(suite)) {
				throw new IllegalArgumentException("unknown suite '" + suite + "' (known: " + SUITES + ")");
			}
		}
		return suites;
	}

	boolean runs(String suite) {
		return this.suites.contains(suite);
	}

}
