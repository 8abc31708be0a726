package dev.agentry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;

/**
 * Process start to readiness 200, and resident memory once ready, for the agent and the
 * plain app, in the ways a Dockerfile could start them: the fat jar as built; the extracted
 * jar with a CDS archive from a training run; and with a JDK 25, the extracted jar with an
 * AOT cache and C1 only.
 */
final class StartupSuite {

	private final Servers servers;

	private final BenchOptions options;

	private final Path dir;

	private final Consumer<String> progress;

	StartupSuite(Servers servers, BenchOptions options, Path dir, Consumer<String> progress) {
		this.servers = servers;
		this.options = options;
		this.dir = dir;
		this.progress = progress;
	}

	/** How one mode starts a jar: which java, which jar, which options. */
	private record Mode(String name, Optional<Path> java, boolean extracted, String trainOption, String runOption,
			List<String> extra) {
	}

	List<Comparison> run() throws IOException, InterruptedException {
		List<Mode> modes = new ArrayList<>();
		modes.add(new Mode("fat jar", Optional.empty(), false, null, null, List.of()));
		modes.add(new Mode("extracted jar + CDS archive", Optional.empty(), true, "-XX:ArchiveClassesAtExit=",
				"-XX:SharedArchiveFile=", List.of()));
		this.options.jdk25()
			.ifPresent((java) -> modes.add(new Mode("JDK 25, extracted jar + AOT cache + C1", Optional.of(java), true,
					"-XX:AOTCacheOutput=", "-XX:AOTCache=", List.of("-XX:TieredStopAtLevel=1"))));
		List<Comparison> comparisons = new ArrayList<>();
		String base = "plain Spring Boot app (same starters, no agent-core)";
		for (Mode mode : modes) {
			Launch agent = prepare(mode, "agent", this.servers.jars().bench(), this.servers::agent);
			Launch plain = prepare(mode, "baseline", this.servers.jars().baseline(), this.servers::baseline);
			List<Double> agentReady = new ArrayList<>();
			List<Double> plainReady = new ArrayList<>();
			List<Double> agentRss = new ArrayList<>();
			List<Double> plainRss = new ArrayList<>();
			for (int round = 1; round <= this.options.rounds(); round++) {
				this.progress.accept("start-up (" + mode.name() + ") round " + round + "/" + this.options.rounds());
				measure(agent, agentReady, agentRss);
				measure(plain, plainReady, plainRss);
			}
			comparisons.add(new Comparison("start-up to readiness 200, " + mode.name(), "ms", Samples.of(agentReady),
					Samples.of(plainReady), base, 1.1, false));
			comparisons.add(new Comparison("RSS when ready, " + mode.name(), "MB", Samples.of(agentRss),
					Samples.of(plainRss), base, 1.1, false));
		}
		return comparisons;
	}

	/** What to start for one app in one mode, after its extraction and training run. */
	private record Launch(Supplier<AgentLauncher> launcher) {
	}

	private Launch prepare(Mode mode, String app, Path fatJar, Function<Path, AgentLauncher> launcher)
			throws IOException, InterruptedException {
		if (!mode.extracted()) {
			return new Launch(() -> launcher.apply(fatJar));
		}
		this.progress.accept("start-up (" + mode.name() + "): extracting and training " + app);
		Path target = Files.createDirectories(this.dir.resolve(slug(mode.name())).resolve(app));
		Path jar = extract(fatJar, target);
		Path archive = target.resolve("app.cache");
		List<String> training = new ArrayList<>(mode.extra());
		training.add(mode.trainOption() + archive);
		// Spring Boot's training run: refresh the context, then exit.
		training.add("-Dspring.context.exit=onRefresh");
		AgentProcess trainer = configure(launcher.apply(jar), mode, training).start();
		if (!trainer.waitFor(Servers.READY_TIMEOUT) || !Files.exists(archive)) {
			trainer.kill();
			throw new IllegalStateException("the training run wrote no " + archive + "; see " + trainer.logFile());
		}
		List<String> run = new ArrayList<>(mode.extra());
		run.add(mode.runOption() + archive);
		return new Launch(() -> configure(launcher.apply(jar), mode, run));
	}

	private static AgentLauncher configure(AgentLauncher launcher, Mode mode, List<String> options) {
		mode.java().ifPresent(launcher::java);
		return launcher.jvmOptions(options.toArray(String[]::new));
	}

	/** Spring Boot's own extraction: the application jar and its libraries side by side. */
	private static Path extract(Path fatJar, Path target) throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-Djarmode=tools", "-jar", fatJar.toString(), "extract",
				"--force", "--destination", target.resolve("app").toString())
			.redirectErrorStream(true)
			.redirectOutput(target.resolve("extract.log").toFile())
			.start();
		if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
			throw new IllegalStateException("extracting " + fatJar + " failed; see " + target.resolve("extract.log"));
		}
		return target.resolve("app").resolve(fatJar.getFileName());
	}

	private static String slug(String name) {
		return name.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT);
	}

	private static void measure(Launch launch, List<Double> ready, List<Double> rss) {
		try (AgentProcess process = launch.launcher().get().start().awaitReady(Servers.READY_TIMEOUT)) {
			ready.add(process.readyAfter().orElseThrow().toNanos() / 1e6);
			rss.add(rssMegabytes(process.pid()));
			process.sigterm();
			ShutdownSuite.exitAfter(process);
		}
	}

	/** VmRSS from /proc: what the kernel holds in memory for the process. */
	static double rssMegabytes(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
				}
			}
		}
		catch (IOException ex) {
			// gone already, or not Linux
		}
		return Double.NaN;
	}

}
