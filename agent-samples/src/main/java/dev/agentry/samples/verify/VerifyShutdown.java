package dev.agentry.samples.verify;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.agentry.samples.SamplesJar;
import dev.agentry.test.AgentLauncher;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ShutdownCheck;
import dev.agentry.test.ShutdownResult;

/**
 * {@code java -jar agent-samples.jar verify-shutdown}: the graceful-shutdown test runner.
 * Every sample agent, in every scenario that applies to it, is started as a child JVM on
 * free loopback ports, loaded, signalled, timed and checked with the test kit
 * ({@link ShutdownCheck}); a table goes to the console and, with {@code --report}, JSON to a
 * file. The exit code is 0 only when every row passes.
 */
public final class VerifyShutdown {

	private final VerifyOptions options;

	private final Path jar;

	private final Path dir;

	private final PrintStream out;

	private VerifyShutdown(VerifyOptions options, Path jar, Path dir, PrintStream out) {
		this.options = options;
		this.jar = jar;
		this.dir = dir;
		this.out = out;
	}

	/**
	 * @param args the options after {@code verify-shutdown}
	 * @return 0 when every row passed, 1 when one failed, 2 on a usage error
	 */
	public static int run(String[] args) {
		VerifyOptions options;
		try {
			options = VerifyOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("verify-shutdown: " + ex.getMessage());
			System.err.println(VerifyOptions.usage());
			return 2;
		}
		if (options.help()) {
			System.out.println(VerifyOptions.usage());
			return 0;
		}
		Optional<Path> jar = SamplesJar.locate();
		if (jar.isEmpty()) {
			System.err.println(SamplesJar.notFound("verify-shutdown"));
			return 2;
		}
		try {
			Path dir = (options.dir() != null) ? Files.createDirectories(options.dir())
					: Files.createTempDirectory("agentry-verify-");
			return new VerifyShutdown(options, jar.get(), dir, System.out).execute();
		}
		catch (IOException ex) {
			System.err.println("verify-shutdown: " + ex);
			return 1;
		}
	}

	private int execute() throws IOException {
		this.out.println("verify-shutdown: " + rowCount() + " checks; agent logs and reports in " + this.dir);
		boolean coordinator = this.options.agents().stream().map(SampleTarget.ALL::get).anyMatch(SampleTarget::needsWorker);
		List<ShutdownResult> results = new ArrayList<>();
		try (SupportAgents support = SupportAgents.start(this.jar, this.dir, coordinator)) {
			for (String agent : this.options.agents()) {
				SampleTarget target = SampleTarget.ALL.get(agent);
				for (Scenario scenario : this.options.scenarios()) {
					if (target.supports(scenario)) {
						ShutdownResult result = check(target, scenario, support);
						this.out.println("  " + result.summary());
						results.add(result);
					}
				}
			}
		}
		VerifyReport report = new VerifyReport(results);
		this.out.println();
		this.out.print(report.table());
		if (this.options.report() != null) {
			report.writeJson(this.options.report());
			this.out.println("JSON report: " + this.options.report().toAbsolutePath());
		}
		this.out.println(report.passed() ? "RESULT: PASS, " + results.size() + " checks"
				: "RESULT: FAIL, " + report.failures() + " of " + results.size() + " checks failed");
		return report.passed() ? 0 : 1;
	}

	private long rowCount() {
		return this.options.agents()
			.stream()
			.map(SampleTarget.ALL::get)
			.mapToLong((target) -> this.options.scenarios().stream().filter(target::supports).count())
			.sum();
	}

	private ShutdownResult check(SampleTarget target, Scenario scenario, SupportAgents support) {
		AgentLauncher launcher = AgentLauncher.jar(this.jar, target.command())
			.directory(this.dir)
			.property("agent.shutdown.delay", millis(VerifySettings.DELAY))
			.property("agent.shutdown.drain-timeout", millis(VerifySettings.DRAIN_TIMEOUT))
			.property("agent.shutdown.worker-join-timeout", millis(VerifySettings.WORKER_JOIN_TIMEOUT));
		if (!target.isRegistry()) {
			support.configure(launcher);
		}
		// Streams on free ports too: the fixed 5532 would collide with anything else on the machine.
		String stream = "tcp://127.0.0.1:" + FreePorts.next();
		switch (target.command()) {
			case "model-worker" -> launcher.property("model-worker.interrupt-endpoint", stream);
			case "streaming-interrupt-handler" -> launcher.property("streaming-interrupt-handler.publish-bind", stream);
			default -> {
			}
		}
		if (scenario == Scenario.DRAIN_TIMEOUT) {
			launcher.property(target.slowAction(), millis(VerifySettings.SLOW_REQUEST))
				.property("agent.shutdown.drain-timeout", millis(VerifySettings.SHORT_DRAIN_TIMEOUT));
		}
		ShutdownCheck check = scenario.configure(ShutdownCheck.of(launcher), target.load(scenario));
		if (target.needsWorker() && scenario != Scenario.STARTUP) {
			check.warmUp(target.template());
		}
		if (this.options.exitLimit() != null) {
			check.exitLimit(this.options.exitLimit());
		}
		return check.run();
	}

	private static String millis(java.time.Duration duration) {
		return duration.toMillis() + "ms";
	}

}
