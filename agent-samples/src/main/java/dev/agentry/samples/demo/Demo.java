package dev.agentry.samples.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.agentry.samples.SamplesJar;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ShutdownReport;
import dev.agentry.test.ZmqTestClient;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine;
import org.zeromq.ZMQ;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code java -jar agent-samples.jar demo [--clients=4] [--duration=20s] [--plain]}: the whole sample
 * system as child JVMs on free loopback ports, steady load through the request coordinator,
 * and a Kubernetes-style rolling update of both model-workers (start the new one, wait until
 * it is ready and registered, SIGTERM the old one). It prints a line per phase, then a
 * summary: requests sent, ok, retried, failed and lost (counted here, by the client), and
 * every stopped agent's exit code and shutdown report. The exit code is 0 only when no
 * request was lost or failed, some succeeded, and both workers were rolled.
 */
public final class Demo {

	private static final String REGISTRY = "service-registry";

	private static final String WORKER = "model-worker";

	private static final String INTERRUPTS = "streaming-interrupt-handler";

	private static final String COORDINATOR = "request-coordinator";

	private static final String HUB = "observability-hub";

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration REGISTERED_TIMEOUT = Duration.ofSeconds(20);

	/** delay 1 s + drain 5 s + worker join 2 s + linger 1 s, plus room for a slow machine. */
	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(25);

	private static final Map<String, String> SHUTDOWN_BUDGET = Map.of("agent.shutdown.delay", "1s",
			"agent.shutdown.drain-timeout", "5s", "agent.shutdown.worker-join-timeout", "2s");

	private static final Map<String, String> REGISTRATION = Map.of("agent.registry.heartbeat-interval", "1s",
			"agent.registry.ttl", "3s");

	private final PrintStream out;

	private final int clients;

	private final Duration duration;

	private final Path jar;

	private final Path dir;

	private final long startedNanos = System.nanoTime();

	/** Every agent started, for the clean-up. */
	private final List<ChildAgent> started = new ArrayList<>();

	/** Agents running now, in start order. */
	private final List<ChildAgent> running = new ArrayList<>();

	/** Agents stopped by SIGTERM, in stop order, for the summary. */
	private final List<ChildAgent> stopped = new ArrayList<>();

	/** Whether the system runs with CURVE (the default; {@code --plain} turns it off). */
	private final boolean curve;

	/** The CURVE keys, made when the system starts; {@code null} with {@code --plain}. */
	private DemoKeys keys;

	private ChildAgent registry;

	private int workerCount;

	private int rolled;

	private LoadClients load;

	private long loadStartedNanos;

	private int interruptPort;

	private ChildAgent coordinator;

	private ChildAgent hub;

	private Demo(PrintStream out, int clients, Duration duration, Path jar, Path dir, boolean curve) {
		this.curve = curve;
		this.out = out;
		this.clients = clients;
		this.duration = duration;
		this.jar = jar;
		this.dir = dir;
	}

	public static void main(String[] args) {
		System.exit(run(args));
	}

	/**
	 * Runs the demo.
	 * @param args {@code [demo] [--clients=N] [--duration=20s]}
	 * @return the process exit code: 0 when no request was lost or failed and every worker
	 * was rolled, 1 when the demo failed, 2 for a usage error
	 */
	public static int run(String[] args) {
		PrintStream out = System.out;
		DemoOptions options;
		try {
			// "demo" itself may lead, as when main is called with the samples jar's arguments.
			options = DemoOptions.parse((args.length > 0 && args[0].equals("demo"))
					? Arrays.copyOfRange(args, 1, args.length) : args);
		}
		catch (CommandLine.ParameterException ex) {
			System.err.println("demo: " + ex.getMessage());
			System.err.print(DemoOptions.usage());
			return 2;
		}
		if (options.help) {
			out.print(DemoOptions.usage());
			return 0;
		}
		int clients = options.clients;
		Duration duration = options.duration;
		boolean curve = !options.plain;
		Optional<Path> jar = SamplesJar.locate();
		if (jar.isEmpty()) {
			System.err.println(SamplesJar.notFound("demo"));
			return 2;
		}
		Path dir;
		try {
			dir = Files.createTempDirectory("agentry-demo-");
		}
		catch (IOException ex) {
			System.err.println("demo: cannot create a temporary directory: " + ex);
			return 1;
		}
		Demo demo = new Demo(out, clients, duration, jar.get(), dir, curve);
		Thread hook = new Thread(demo::killAll, "demo-cleanup");
		Runtime.getRuntime().addShutdownHook(hook);
		try {
			return demo.execute();
		}
		finally {
			demo.killAll();
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// the JVM is shutting down already
			}
		}
	}

	private int execute() {
		String failure = null;
		try {
			if (this.curve) {
				this.keys = DemoKeys.generate(this.dir.resolve("keys"),
						List.of(REGISTRY, WORKER, INTERRUPTS, COORDINATOR, HUB));
				say("CURVE on: every socket is encrypted and every peer authenticated, with keys made by keygen in %s "
						+ "(--plain runs without)", this.keys.dir());
			}
			else {
				say("CURVE off (--plain): sockets are plain text and any peer is served");
			}
			say("the sample system from %s; logs and shutdown reports in %s", this.jar, this.dir);
			startSystem();
			startLoad();
			List<ChildAgent> originals = new ArrayList<>(workers());
			long rollsStart = System.nanoTime();
			for (ChildAgent old : originals) {
				roll(old);
			}
			long remaining = this.duration.toNanos() - (System.nanoTime() - this.loadStartedNanos);
			long settle = Math.max(Duration.ofSeconds(3).toNanos(), remaining);
			say("both workers rolled in %.1f s; load continues for %.1f s", ChildAgent.seconds(System.nanoTime() - rollsStart),
					ChildAgent.seconds(settle));
			sleepNanos(settle);
			hubStatus();
		}
		catch (Exception ex) {
			failure = ex.getMessage() != null ? ex.getMessage() : ex.toString();
			say("FAILED: %s", failure);
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			stopLoad();
			stopAll();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failure = (failure != null) ? failure : "interrupted";
		}
		return summary(failure);
	}

	// ---- the system ----------------------------------------------------------------

	private void startSystem() throws IOException, InterruptedException {
		this.registry = agent(REGISTRY, REGISTRY);
		start(this.registry, Map.of());
		awaitReady(this.registry);

		this.interruptPort = FreePorts.next();
		List<ChildAgent> rest = new ArrayList<>();
		rest.add(newWorker());
		rest.add(newWorker());
		ChildAgent interrupts = agent(INTERRUPTS, INTERRUPTS);
		rest.add(interrupts);
		this.coordinator = agent(COORDINATOR, COORDINATOR);
		rest.add(this.coordinator);
		this.hub = agent(HUB, HUB);
		rest.add(this.hub);
		// Started together, so that their start-ups overlap; each one is reported when ready.
		for (ChildAgent agent : rest) {
			start(agent, agent.command.equals(INTERRUPTS)
					? Map.of("streaming-interrupt-handler.publish-bind", "tcp://127.0.0.1:" + this.interruptPort)
					: Map.of());
		}
		for (ChildAgent agent : rest) {
			awaitReady(agent);
		}
		for (ChildAgent worker : workers()) {
			awaitRegistered(worker);
		}
		say("registry lists %d %s instances", workers().size(), WORKER);
	}

	/** CURVE client settings for a socket to an agent started with {@code command}; none with --plain. */
	private Consumer<ZMQ.Socket> clientOf(String command) {
		DemoKeys current = this.keys;
		return (current != null) ? (socket) -> current.client(socket, command) : (socket) -> {
		};
	}

	private ChildAgent newWorker() {
		this.workerCount++;
		return agent(WORKER + "-" + this.workerCount, WORKER);
	}

	private ChildAgent agent(String label, String command) {
		return new ChildAgent(label, command, this.jar, this.dir);
	}

	private void start(ChildAgent agent, Map<String, String> extra) {
		Map<String, String> properties = new LinkedHashMap<>(SHUTDOWN_BUDGET);
		if (agent != this.registry) {
			properties.put("agent.registry.endpoint", this.registry.endpoint());
		}
		properties.putAll(REGISTRATION);
		if (agent.command.equals(WORKER)) {
			properties.put("model-worker.latency", "20ms");
			properties.put("model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + this.interruptPort);
		}
		if (this.keys != null) {
			properties.putAll(this.keys.properties(agent.command));
			properties.put("agent.registry.public-key", this.keys.publicKey(REGISTRY));
			if (agent.command.equals(WORKER)) {
				properties.put("model-worker.interrupt-public-key", this.keys.publicKey(INTERRUPTS));
			}
		}
		properties.putAll(extra);
		agent.start(properties);
		this.started.add(agent);
		this.running.add(agent);
	}

	private void awaitReady(ChildAgent agent) throws InterruptedException {
		agent.awaitReady(READY_TIMEOUT);
		JsonNode health = healthCheck(agent);
		if (health != null) {
			agent.instance = health.path("instance").asString("?");
		}
		say("started %s (pid %d, http %d, endpoint %d, health %d) ready in %.1f s, instance %s", agent.label,
				agent.pid(), agent.ports().http(), agent.ports().endpoint(), agent.ports().health(), agent.readySeconds,
				agent.instance);
	}

	private JsonNode healthCheck(ChildAgent agent) {
		for (int attempt = 0; attempt < 5; attempt++) {
			JsonNode reply = call(agent.healthEndpoint(), agent.command, "{\"action\":\"health_check\"}", 2000);
			if (reply != null && reply.has("instance")) {
				return reply;
			}
		}
		return null;
	}

	private void awaitRegistered(ChildAgent agent) {
		try {
			waitUpTo(REGISTERED_TIMEOUT, Duration.ofMillis(200)).until(() -> isRegistered(agent));
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException(agent.label + " (" + agent.instance + ") was not registered within "
					+ REGISTERED_TIMEOUT.toSeconds() + " s; see " + agent.log() + " and " + this.registry.log());
		}
	}

	/** Whether the registry's {@code lookup} lists the agent, by instance id or by endpoint port. */
	private boolean isRegistered(ChildAgent agent) {
		JsonNode reply = call(this.registry.endpoint(), REGISTRY,
				"{\"action\":\"lookup\",\"service\":\"" + agent.command + "\"}", 2000);
		if (reply == null || !reply.path("instances").isArray()) {
			return false;
		}
		for (JsonNode instance : reply.get("instances")) {
			if (agent.instance.equals(instance.path("instance").asString(""))
					|| instance.path("endpoint").asString("").endsWith(":" + agent.ports().endpoint())) {
				return true;
			}
		}
		return false;
	}

	private List<ChildAgent> workers() {
		List<ChildAgent> workers = new ArrayList<>();
		for (ChildAgent agent : this.running) {
			if (agent.command.equals(WORKER)) {
				workers.add(agent);
			}
		}
		return workers;
	}

	// ---- load ----------------------------------------------------------------------

	private void startLoad() throws InterruptedException {
		// The coordinator learns the workers from the registry: wait until it serves, uncounted.
		JsonNode reply;
		try {
			reply = waitUpTo(REGISTERED_TIMEOUT, Duration.ofMillis(300)).until(
					() -> call(this.coordinator.endpoint(), COORDINATOR,
							"{\"action\":\"infer\",\"id\":\"probe\",\"text\":\"are you there\"}", 5000),
					(answer) -> answer != null && "ok".equals(answer.path("status").asString("")));
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException(COORDINATOR + " did not serve an infer within "
					+ REGISTERED_TIMEOUT.toSeconds() + " s; see " + this.coordinator.log());
		}
		say("%s serves (probe answered by %s)", COORDINATOR, reply.path("worker").asString("?"));
		this.load = new LoadClients(this.coordinator.endpoint(), clientOf(COORDINATOR), this.clients);
		this.loadStartedNanos = System.nanoTime();
		this.load.start();
		say("load running: %d clients, one request in flight each, through %s %s", this.clients, COORDINATOR,
				this.coordinator.endpoint());
		sleepNanos(Math.min(Duration.ofSeconds(4).toNanos(), this.duration.toNanos() / 4));
		say("load so far: %s", this.load.counts());
	}

	private void stopLoad() throws InterruptedException {
		if (this.load == null) {
			return;
		}
		boolean ended = this.load.stop();
		say("load stopped after %.1f s: %s%s", ChildAgent.seconds(System.nanoTime() - this.loadStartedNanos),
				this.load.counts(), ended ? "" : " (a client thread did not end)");
	}

	// ---- the rolling update ----------------------------------------------------------

	private void roll(ChildAgent old) throws IOException, InterruptedException {
		ChildAgent replacement = newWorker();
		say("rolling %s: starting %s", old.label, replacement.label);
		start(replacement, Map.of());
		awaitReady(replacement);
		awaitRegistered(replacement);
		say("rolling %s: new instance %s ready and registered", old.label, replacement.label);
		say("rolling %s: SIGTERM %s (pid %d); load so far: %s", old.label, old.label, old.pid(), this.load.counts());
		int slot = this.running.indexOf(old);
		boolean exited = stop(old);
		// The new instance takes the old one's place in the stop order.
		this.running.remove(replacement);
		this.running.add(slot, replacement);
		boolean deregistered = !isRegistered(old);
		if (exited) {
			this.rolled++;
		}
		say("rolling %s: done, %s; registry %s it", old.label, exitLine(old),
				deregistered ? "no longer lists" : "still lists");
	}

	/** SIGTERM, bounded wait, report. */
	private boolean stop(ChildAgent agent) throws InterruptedException {
		agent.sigterm();
		boolean exited = agent.awaitExit(EXIT_TIMEOUT);
		this.running.remove(agent);
		this.stopped.add(agent);
		return exited;
	}

	private void stopAll() throws InterruptedException {
		List<ChildAgent> reverse = new ArrayList<>(this.running);
		Collections.reverse(reverse);
		for (ChildAgent agent : reverse) {
			if (!agent.isAlive()) {
				this.running.remove(agent);
				continue;
			}
			say("SIGTERM %s (pid %d)", agent.label, agent.pid());
			stop(agent);
			say("%s %s", agent.label, exitLine(agent));
		}
	}

	private String exitLine(ChildAgent agent) {
		String exit = agent.killed ? "killed after " + EXIT_TIMEOUT.toSeconds() + " s without exiting"
				: String.format(Locale.ROOT, "exited %s in %.2f s", agent.exitCode, agent.exitSeconds);
		ShutdownReport report = agent.readReport();
		return exit + ((report != null) ? String.format(Locale.ROOT, ", shutdown %s in %.3f s", report.outcome(),
				report.totalSeconds()) : ", no report");
	}

	private void hubStatus() {
		JsonNode reply = call(this.hub.endpoint(), HUB, "{\"action\":\"status\"}", 3000);
		if (reply == null) {
			say("%s: no answer to status", HUB);
			return;
		}
		for (Map.Entry<String, JsonNode> field : reply.properties()) {
			if (field.getValue().isArray()) {
				List<String> seen = new ArrayList<>();
				for (JsonNode peer : field.getValue()) {
					seen.add(peer.path("service").asString("?") + "=" + peer.path("state").asString("?"));
				}
				say("%s sees %d agents: %s", HUB, seen.size(), String.join(", ", seen));
				return;
			}
		}
		say("%s status: %s", HUB, reply);
	}

	// ---- the summary -----------------------------------------------------------------

	private int summary(String failure) {
		long sent = (this.load != null) ? this.load.sent.get() : 0;
		long ok = (this.load != null) ? this.load.ok.get() : 0;
		long failed = (this.load != null) ? this.load.failed.get() : 0;
		long lost = (this.load != null) ? this.load.lost.get() : 0;
		long connectFailures = (this.load != null) ? this.load.connectFailures.get() : 0;
		int expectedRolls = 2;
		say("==================== summary ====================");
		say("requests: %s", (this.load != null) ? this.load.counts()
				: "sent 0, ok 0, retried 0, failed 0, lost 0 (no load ran)");
		if (this.load != null) {
			say("served by: %s", this.load.byWorker());
			if (connectFailures > 0) {
				say("connections without an answer to 5 health checks: %d", connectFailures);
			}
			for (String note : this.load.notes()) {
				say("  %s", note);
			}
		}
		say("workers rolled: %d of %d", this.rolled, expectedRolls);
		say("shutdowns (SIGTERM to exit; the agent's report):");
		for (ChildAgent agent : this.stopped) {
			say("  %-28s pid %-7d %s", agent.label, agent.pid(), exitLine(agent));
			ShutdownReport report = agent.readReport();
			if (report != null) {
				for (ShutdownReport.Step step : report.steps()) {
					String line = String.format(Locale.ROOT, "      %-10s %-36s %7.3f s  %s", step.step(),
							step.component(), step.seconds(), step.outcome());
					if (step.step().equals("endpoints")) {
						line += String.format(Locale.ROOT, ", drained %d, forced %d, rejected %d", step.drained(),
								step.forced(), step.rejected());
					}
					say("%s", line);
				}
			}
		}
		say("logs and reports: %s", this.dir);
		boolean pass = failure == null && lost == 0 && failed == 0 && ok > 0 && connectFailures == 0
				&& this.rolled == expectedRolls;
		say("took %.1f s", ChildAgent.seconds(System.nanoTime() - this.startedNanos));
		if (pass) {
			say("RESULT: PASS, %d requests, none lost or failed, both workers rolled", sent);
			return 0;
		}
		List<String> why = new ArrayList<>();
		if (failure != null) {
			why.add(failure);
		}
		if (lost > 0) {
			why.add(lost + " lost");
		}
		if (failed > 0) {
			why.add(failed + " failed");
		}
		if (ok == 0) {
			why.add("no request succeeded");
		}
		if (connectFailures > 0) {
			why.add(connectFailures + " connections without an answer");
		}
		if (this.rolled != expectedRolls) {
			why.add(this.rolled + " of " + expectedRolls + " workers rolled");
		}
		say("RESULT: FAIL (%s)", String.join("; ", why));
		return 1;
	}

	// ---- helpers -----------------------------------------------------------------------

	private void say(String format, Object... args) {
		this.out.println("[demo] " + String.format(Locale.ROOT, format, args));
		this.out.flush();
	}

	private void killAll() {
		for (ChildAgent agent : this.started) {
			agent.destroyForcibly();
		}
	}

	/**
	 * One request on a fresh connection, proven by a health check first (the kit's client); the
	 * reply, or {@code null} when there was none in time.
	 */
	private JsonNode call(String endpoint, String command, String json, int timeoutMillis) {
		try (ZmqTestClient client = ZmqTestClient.dealer(endpoint, timeoutMillis, clientOf(command))) {
			return client.call(json);
		}
		catch (IllegalStateException | JacksonException ex) {
			return null;
		}
	}

	/**
	 * Awaitility, polling on this thread (the condition uses a ZeroMQ socket) and leaving the
	 * load threads' uncaught exceptions to them.
	 */
	private static ConditionFactory waitUpTo(Duration atMost, Duration interval) {
		return Awaitility.await()
			.atMost(atMost)
			.pollDelay(Duration.ZERO)
			.pollInterval(interval)
			.pollInSameThread()
			.dontCatchUncaughtExceptions();
	}

	/** A plain pause, not a wait for something: the load runs meanwhile. */
	private static void sleepNanos(long nanos) throws InterruptedException {
		if (nanos > 0) {
			Thread.sleep(nanos / 1_000_000);
		}
	}

	/** {@code 20s}, {@code 1500ms}, {@code 1m}; a bare number is seconds. */
	static Duration parseDuration(String text) {
		return DurationStyle.detectAndParse(text.trim(), ChronoUnit.SECONDS);
	}

}
