package dev.agentry.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * One graceful-shutdown check of an agent, run in a child JVM: start it, wait until it is
 * ready, optionally keep {@link Load} on its endpoint, send it a signal, and watch it stop the
 * way Kubernetes and its clients would: readiness polled until it leaves 200 (then the load
 * stops sending, as a Service would stop routing), the process timed until it exits, every
 * request's reply awaited, the ports and the shutdown report checked afterwards.
 *
 * <pre>{@code
 * ShutdownResult result = ShutdownCheck.of(AgentLauncher.jar(jar))
 *     .load("{\"action\":\"echo\",\"text\":\"hi\"}")
 *     .run();
 * AgentAssertions.assertThat(result).isClean();
 * }</pre>
 *
 * With load and no {@code agent.shutdown.delay} set on the launcher, the check sets it to
 * {@value #DEFAULT_DELAY}: as in Kubernetes, clients need a moment after readiness goes 503
 * before the endpoint stops taking requests. With no delay, a request sent in the instant
 * the endpoint closes reaches nothing and is counted silent.
 */
public final class ShutdownCheck {

	static final String DEFAULT_DELAY = "1s";

	/**
	 * Logged by Spring while the context refreshes, after Spring Boot registered its shutdown
	 * hook: a signal from here on is a stop during start-up, not a JVM that never started.
	 */
	static final String STARTUP_MARKER = "Root WebApplicationContext: initialization completed";

	private final AgentLauncher launcher;

	private String scenario = "idle";

	private Load load;

	private Duration loadBeforeSignal = Duration.ofSeconds(1);

	private Signal signal = Signal.TERM;

	private Duration secondSignalAfter;

	private boolean duringStartup;

	private Duration lateRequestAfter;

	private boolean expectForced;

	private Duration exitLimit;

	private Duration readyTimeout = Duration.ofSeconds(90);

	private String warmUp;

	private ShutdownCheck(AgentLauncher launcher) {
		this.launcher = launcher;
	}

	public static ShutdownCheck of(AgentLauncher launcher) {
		return new ShutdownCheck(launcher);
	}

	/** A name for the result (default {@code idle}, or {@code load} once load is set). */
	public ShutdownCheck scenario(String name) {
		this.scenario = name;
		return this;
	}

	/** Two connections with four requests each in flight, each the template with its own id. */
	public ShutdownCheck load(String template) {
		return load(Load.of(template));
	}

	public ShutdownCheck load(Load load) {
		this.load = load;
		if ("idle".equals(this.scenario)) {
			this.scenario = "load";
		}
		return this;
	}

	/** How long the load runs before the signal (default 1 s). */
	public ShutdownCheck loadBeforeSignal(Duration duration) {
		this.loadBeforeSignal = duration;
		return this;
	}

	/** The signal to stop with (default SIGTERM). */
	public ShutdownCheck signal(Signal signal) {
		this.signal = signal;
		return this;
	}

	/** Sends the signal a second time this long after the first, if the agent is still running. */
	public ShutdownCheck secondSignalAfter(Duration after) {
		this.secondSignalAfter = after;
		return this;
	}

	/**
	 * Signals while the agent starts, once its Spring context is being refreshed, instead of
	 * once it is ready; no load.
	 */
	public ShutdownCheck duringStartup() {
		this.duringStartup = true;
		return this;
	}

	/**
	 * Sends one more request from a new connection this long after the signal: while the
	 * endpoint drains it must still be answered (normally {@code unavailable}).
	 */
	public ShutdownCheck lateRequestAfter(Duration after) {
		this.lateRequestAfter = after;
		return this;
	}

	/**
	 * The load's requests are expected to outlive the drain timeout: they must be answered
	 * {@code timeout} and counted {@code forced} in the report, and the exit must still come
	 * within the limit.
	 */
	public ShutdownCheck expectForced() {
		this.expectForced = true;
		return this;
	}

	/** How long the agent may take from the signal to its exit (default: its budget + 2 s). */
	public ShutdownCheck exitLimit(Duration limit) {
		this.exitLimit = limit;
		return this;
	}

	/**
	 * A request sent (again, every 200 ms) until it is answered {@code ok}, before the load
	 * starts: for agents whose readiness does not cover a dependency the load needs, such
	 * as a coordinator that has yet to learn its workers.
	 */
	public ShutdownCheck warmUp(String request) {
		this.warmUp = request;
		return this;
	}

	/** How long the agent may take to become ready (default 90 s, for a loaded machine). */
	public ShutdownCheck readyTimeout(Duration timeout) {
		this.readyTimeout = timeout;
		return this;
	}

	/** Runs the check; the agent is always gone when this returns. */
	public ShutdownResult run() {
		if (this.load != null && !this.launcher.has("agent.shutdown.delay")) {
			this.launcher.property("agent.shutdown.delay", DEFAULT_DELAY);
		}
		List<String> problems = new ArrayList<>();
		try (AgentProcess agent = this.launcher.start()) {
			LoadDriver driver = prepare(agent, problems);
			if (driver == null && !problems.isEmpty()) {
				agent.kill();
				return result(agent, null, Duration.ZERO, this.launcher.budget(), List.of(), 0, problems, false);
			}
			Duration limit = (this.exitLimit != null) ? this.exitLimit
					: agent.budget().orElseGet(this.launcher::budget).plusSeconds(2);
			return stop(agent, driver, limit, problems);
		}
	}

	/** Starts the agent's load, or waits for the start-up marker; null driver when there is no load. */
	private LoadDriver prepare(AgentProcess agent, List<String> problems) {
		if (this.duringStartup) {
			if (!agent.awaitLog(STARTUP_MARKER, this.readyTimeout)) {
				problems.add("start-up never reached the context refresh (\"" + STARTUP_MARKER + "\")");
			}
			return null;
		}
		try {
			agent.awaitReady(this.readyTimeout);
		}
		catch (IllegalStateException ex) {
			problems.add("not ready: " + firstLine(ex.getMessage()));
			return null;
		}
		if (this.load == null) {
			return null;
		}
		if (this.warmUp != null && !warmedUp(agent)) {
			problems.add("the warm-up request was not answered ok within " + this.readyTimeout.toSeconds() + " s");
			return null;
		}
		LoadDriver driver = new LoadDriver(this.load, agent.endpoint());
		driver.start(30_000);
		problems.addAll(driver.problems());
		sleep(this.loadBeforeSignal.toMillis());
		if (driver.sent() == 0) {
			problems.add("the load sent nothing before the signal");
		}
		return driver;
	}

	private ShutdownResult stop(AgentProcess agent, LoadDriver driver, Duration limit, List<String> problems) {
		// Stamped by the JDK's process reaper the moment the process ends, not by this loop's polls.
		CompletableFuture<Long> exitNanos = agent.process().onExit().thenApply((process) -> System.nanoTime());
		long signalNanos = System.nanoTime();
		agent.signal(this.signal);
		LateRequest late = (this.lateRequestAfter != null && this.load != null)
				? LateRequest.start(agent.endpoint(), this.load.template(), signalNanos, this.lateRequestAfter) : null;
		long deadline = signalNanos + limit.toNanos();
		boolean secondSent = this.secondSignalAfter == null;
		boolean routing = driver != null;
		// Not a wait-until for Awaitility: while it waits for the exit, this loop acts (a second
		// signal when due, the load stopped once readiness fails), as a kubelet and a Service do.
		while (agent.isAlive() && System.nanoTime() - deadline < 0) {
			if (!secondSent && System.nanoTime() - signalNanos >= this.secondSignalAfter.toNanos()) {
				agent.signal(this.signal);
				secondSent = true;
			}
			if (routing && agent.readiness() != 200) {
				// What a Service does once the readiness probe fails: no new requests.
				driver.stopSending();
				routing = false;
			}
			sleep(20);
		}
		boolean exited = agent.waitFor(Duration.ofMillis(Math.max(0, (deadline - System.nanoTime()) / 1_000_000)));
		if (!exited) {
			agent.kill();
		}
		if (!secondSent) {
			problems.add("exited before the second signal was due");
		}
		List<RequestRecord> records = (driver != null) ? driver.finish(2_000) : List.of();
		if (driver != null) {
			problems.addAll(driver.problems().stream().filter((problem) -> !problems.contains(problem)).toList());
		}
		List<RequestRecord> all = new ArrayList<>(records);
		if (late != null) {
			all.add(late.await());
		}
		Duration timeToExit = Duration.ofNanos(exitNanos.join() - signalNanos);
		Integer exitCode = exited ? agent.process().exitValue() : null;
		return result(agent, exitCode, timeToExit, limit, all, signalNanos, problems, true);
	}

	private ShutdownResult result(AgentProcess agent, Integer exitCode, Duration timeToExit, Duration limit,
			List<RequestRecord> records, long signalNanos, List<String> problems, boolean signalled) {
		ShutdownResult.Requests requests = new ShutdownResult.Requests(records.size(),
				records.stream().filter((r) -> r.inflightAt(signalNanos)).count(),
				records.stream().filter((r) -> r.inflightAt(signalNanos) && r.answered()).count(),
				records.stream().filter((r) -> r.sentAfter(signalNanos)).count(),
				records.stream().filter((r) -> r.sentAfter(signalNanos) && r.answered()).count(),
				records.stream().filter((r) -> !r.answered()).count());
		Map<String, Long> replies = records.stream()
			.collect(Collectors.groupingBy(RequestRecord::outcome, TreeMap::new, Collectors.counting()));
		List<Integer> busy = busyPorts(agent);
		ShutdownReport report = agent.report().orElse(null);
		Verdict verdict = new Verdict(this.signal, this.duringStartup, this.expectForced);
		List<String> all = new ArrayList<>(problems);
		if (signalled) {
			all.addAll(verdict.problems(exitCode, limit, requests, replies, busy, report, agent.reportFile()));
		}
		return new ShutdownResult(agent.name(), this.scenario, this.signal, exitCode, timeToExit, limit, requests,
				replies, busy, report, agent.logFile(), List.copyOf(all));
	}

	private boolean warmedUp(AgentProcess agent) {
		AtomicBoolean answered = new AtomicBoolean();
		try {
			Waits.upTo(this.readyTimeout, Duration.ofMillis(200)).until(() -> {
				if (!agent.isAlive()) {
					return true;
				}
				answered.set(answersOk(agent));
				return answered.get();
			});
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
		return answered.get();
	}

	private boolean answersOk(AgentProcess agent) {
		try {
			JsonNode reply = agent.call(this.warmUp);
			return reply != null && "ok".equals(reply.path("status").asString(""));
		}
		catch (IllegalStateException ex) {
			return false; // no answer yet: try again
		}
	}

	/** The kernel frees a dead process's sockets at once; a moment's grace for a busy machine. */
	private static List<Integer> busyPorts(AgentProcess agent) {
		try {
			Waits.upTo(Duration.ofSeconds(1), Duration.ofMillis(100)).until(() -> agent.ports().busy().isEmpty());
		}
		catch (ConditionTimeoutException ex) {
			// reported below
		}
		return agent.ports().busy();
	}

	private static String firstLine(String text) {
		int newline = text.indexOf('\n');
		return (newline < 0) ? text : text.substring(0, newline);
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
