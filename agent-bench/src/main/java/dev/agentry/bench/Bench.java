package dev.agentry.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code java -jar agent-bench/target/agent-bench.jar [options]}: agent-core measured side
 * by side with its baselines in one run (raw JeroMQ for the endpoint, a plain Spring Boot
 * app for shutdown and start-up), each figure min/median/max over rounds with its ratio to
 * the baseline; a Markdown table on the console and in {@code bench.md}, JSON in
 * {@code bench.json}. The same jar also runs what is measured: {@code agent} (the bench
 * agent) and {@code raw-router <bind>}.
 */
public final class Bench {

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("agent")) {
			BenchAgent.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		if (args.length > 1 && args[0].equals("raw-router")) {
			RawRouter.run(args[1]);
			return;
		}
		System.exit(run(List.of(args)));
	}

	static int run(List<String> args) throws Exception {
		if (args.contains("--help") || args.contains("-h")) {
			System.out.println(BenchOptions.usage());
			return 0;
		}
		BenchOptions options;
		BenchJars jars;
		try {
			options = BenchOptions.parse(args);
			jars = BenchJars.locate();
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			System.err.println("bench: " + ex.getMessage());
			System.err.println(BenchOptions.usage());
			return 2;
		}
		Path dir = Files.createTempDirectory("agentry-bench-");
		Consumer<String> progress = (line) -> System.out.println("[bench] " + line);
		progress.accept("logs in " + dir + (options.jdk25().isPresent() ? "; JDK 25 at " + options.jdk25().get()
				: "; no JDK 25, so no AOT-cache mode"));
		Servers servers = new Servers(jars, dir, options.agentJvmOptions());
		List<Comparison> comparisons = new ArrayList<>();
		if (options.runs("endpoint")) {
			comparisons.addAll(new EndpointSuite(servers, options, progress).run());
		}
		if (options.runs("coordinator")) {
			comparisons.addAll(new CoordinatorSuite(servers, options, progress).run());
		}
		if (options.runs("client")) {
			comparisons.addAll(new ClientSuite(servers, options, progress).run());
		}
		if (options.runs("shutdown")) {
			comparisons.addAll(new ShutdownSuite(servers, options, progress).run());
		}
		if (options.runs("startup")) {
			comparisons.addAll(new StartupSuite(servers, options, dir, progress).run());
		}
		BenchReport report = new BenchReport(comparisons, BenchReport.environment(options));
		report.write(options.out());
		System.out.println();
		System.out.print(report.markdown());
		System.out.println();
		System.out.println("[bench] written: " + options.out().resolve("bench.md") + ", "
				+ options.out().resolve("bench.json"));
		return 0;
	}

}
