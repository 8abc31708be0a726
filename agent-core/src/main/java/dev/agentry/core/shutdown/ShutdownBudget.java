package dev.agentry.core.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.AgentProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.Environment;

/**
 * The worst case of a shutdown: the sum of every bound that any step may take, set against
 * Kubernetes' grace period (past it, the kubelet's SIGKILL cuts the drain short). It owns
 * those bounds: every component takes its own from here, the phase timeouts come from here,
 * and the Helm chart's {@code agentry.shutdown} helper adds up the same terms. The terms, in
 * the order of the stop:
 * <ul>
 * <li>{@code delay}: step 0's wait;</li>
 * <li>{@code drain-timeout + flush + endpoint-margin}: step 1, the drain, the replies' flush
 * (linger), and the time to answer what is left and end the loop;</li>
 * <li>{@code liveness-probe}: the endpoints' probe, stopped just before them, against one
 * deadline;</li>
 * <li>{@code streams x stream-close}: step 2, one stream after the other;</li>
 * <li>{@code worker-join-timeout}: step 3, every worker joined against one deadline;</li>
 * <li>{@code health}: step 4, linger and a margin;</li>
 * <li>{@code clients x client-close}: the agent clients, one after the other, each linger and
 * a margin;</li>
 * <li>{@code zap}: the ZAP handler's close, with CURVE only;</li>
 * <li>{@code context}: step 5, linger and the watchdog's margin;</li>
 * <li>{@code web-server}: step 6, Spring Boot's graceful stop of the HTTP server;</li>
 * <li>{@code push}: step 7's Pushgateway push, when enabled.</li>
 * </ul>
 * The defaults (no streams, no clients, no CURVE, no push) add up to 27.5 s, inside the
 * default grace period of 30 s.
 * @param streams how many {@code ManagedStream}s the agent has
 * @param clients how many agent clients the agent has
 * @param curve whether CURVE is on (the ZAP handler closes last)
 * @param push whether step 7 pushes to a Pushgateway
 */
public record ShutdownBudget(Duration delay, Duration drainTimeout, Duration workerJoinTimeout, Duration linger,
		Duration gracePeriod, int streams, int clients, boolean curve, boolean push) {

	/** After the drain and the flush: answering what is left, closing the loop and calling back. */
	public static final Duration ENDPOINT_MARGIN = Duration.ofSeconds(1);

	/**
	 * The endpoints' liveness probe: a stop request wakes its loops at once and their sockets
	 * close with linger 0, so this takes milliseconds; the bound is a safety net.
	 */
	public static final Duration LIVENESS_PROBE_BOUND = Duration.ofMillis(500);

	/** The most a stream component's close may take before step 2 goes on without it. */
	public static final Duration STREAM_CLOSE_BOUND = Duration.ofSeconds(5);

	/** What a socket loop (the health socket, a client) may take beyond its linger to end. */
	public static final Duration SOCKET_CLOSE_MARGIN = Duration.ofSeconds(1);

	/** What the context's termination may take beyond the sockets' linger before the watchdog gives up on it. */
	public static final Duration WATCHDOG_MARGIN = Duration.ofSeconds(1);

	/**
	 * The ZAP handler's close (closed last, before the context): it holds no peer's messages
	 * (it answers only its own context), so closing is a thread's end.
	 */
	public static final Duration ZAP_CLOSE_BOUND = Duration.ofMillis(500);

	/**
	 * Step 6: how long Spring Boot's web server may wait for HTTP requests still running. An
	 * agent's HTTP traffic is Actuator's probes and scrapes, which answer in milliseconds;
	 * without this bound Spring would wait up to spring.lifecycle.timeout-per-shutdown-phase.
	 */
	public static final Duration WEB_SERVER_BOUND = Duration.ofSeconds(1);

	/**
	 * Step 7's Pushgateway push: the Prometheus client's {@code PushGateway} connects and reads
	 * with 10 s timeouts each, which Spring Boot does not change.
	 */
	public static final Duration PUSH_TIMEOUT = Duration.ofSeconds(20);

	private static final Log logger = LogFactory.getLog(ShutdownBudget.class);

	/** No streams, no clients, no CURVE and no push. */
	public ShutdownBudget(Duration delay, Duration drainTimeout, Duration workerJoinTimeout, Duration linger,
			Duration gracePeriod) {
		this(delay, drainTimeout, workerJoinTimeout, linger, gracePeriod, 0, 0, false, false);
	}

	/**
	 * The budget of these settings, before the streams and clients are counted: CURVE when a
	 * certificate is set, the push when Spring Boot's Pushgateway export is enabled.
	 */
	public static ShutdownBudget of(AgentProperties properties, Environment environment) {
		AgentProperties.Shutdown shutdown = properties.shutdown();
		boolean curve = properties.zmq().curve() != null && properties.zmq().curve().enabled();
		boolean push = environment.getProperty("management.prometheus.metrics.export.pushgateway.enabled",
				Boolean.class, false);
		return new ShutdownBudget(shutdown.delay(), shutdown.drainTimeout(), shutdown.workerJoinTimeout(),
				properties.zmq().linger(), shutdown.gracePeriod(), 0, 0, curve, push);
	}

	/** The same settings with the streams and clients that the agent has. */
	public ShutdownBudget withParts(int streams, int clients) {
		return new ShutdownBudget(this.delay, this.drainTimeout, this.workerJoinTimeout, this.linger,
				this.gracePeriod, streams, clients, this.curve, this.push);
	}

	/** Step 1: the drain, the flush of the last replies and the margin. */
	public Duration endpointsBound() {
		return this.drainTimeout.plus(this.linger).plus(ENDPOINT_MARGIN);
	}

	/** Step 4, and each agent client: a socket loop's linger and margin. */
	public static Duration socketCloseBound(Duration linger) {
		return linger.plus(SOCKET_CLOSE_MARGIN);
	}

	/** Step 5's watchdog: the sockets' linger and its margin. */
	public static Duration contextBound(Duration linger) {
		return linger.plus(WATCHDOG_MARGIN);
	}

	/** One bound of the sum, as the start-up line lists it. */
	public record Term(String name, Duration bound) {

		@Override
		public String toString() {
			return this.name + " " + this.bound.toMillis();
		}

	}

	/** Every term, in the order of the stop; their sum is {@link #worstCase()}. */
	public List<Term> terms() {
		List<Term> terms = new ArrayList<>();
		terms.add(new Term("delay", this.delay));
		terms.add(new Term("drain-timeout", this.drainTimeout));
		terms.add(new Term("flush", this.linger));
		terms.add(new Term("endpoint-margin", ENDPOINT_MARGIN));
		// Stopped just before the endpoints; listed after them so that the line begins with the settings.
		terms.add(new Term("liveness-probe", LIVENESS_PROBE_BOUND));
		terms.add(new Term(this.streams + " stream(s) x " + STREAM_CLOSE_BOUND.toMillis(),
				STREAM_CLOSE_BOUND.multipliedBy(this.streams)));
		terms.add(new Term("worker-join-timeout", this.workerJoinTimeout));
		terms.add(new Term("health", socketCloseBound(this.linger)));
		terms.add(new Term(this.clients + " client(s) x " + socketCloseBound(this.linger).toMillis(),
				socketCloseBound(this.linger).multipliedBy(this.clients)));
		terms.add(new Term("zap", this.curve ? ZAP_CLOSE_BOUND : Duration.ZERO));
		terms.add(new Term("context", contextBound(this.linger)));
		terms.add(new Term("web-server", WEB_SERVER_BOUND));
		terms.add(new Term("push", this.push ? PUSH_TIMEOUT : Duration.ZERO));
		return terms;
	}

	public Duration worstCase() {
		return terms().stream().map(Term::bound).reduce(Duration.ZERO, Duration::plus);
	}

	public boolean exceedsGracePeriod() {
		return worstCase().compareTo(this.gracePeriod) > 0;
	}

	/**
	 * The timeout of each of the agent's phases. Spring waits on a phase only for the stops that
	 * call back asynchronously (the endpoints'); the others end within their bounds on the
	 * closing thread. Each timeout is the step's own bound, so that none adds to the sum.
	 */
	PhaseTimeouts phaseTimeouts() {
		return new PhaseTimeouts(Map.of(AgentPhases.LIVENESS_PROBE, LIVENESS_PROBE_BOUND, AgentPhases.ENDPOINTS,
				endpointsBound(), AgentPhases.STREAMS, STREAM_CLOSE_BOUND.multipliedBy(Math.max(1, this.streams)),
				AgentPhases.WORKERS, this.workerJoinTimeout, AgentPhases.HEALTH, socketCloseBound(this.linger),
				AgentPhases.CLIENTS, socketCloseBound(this.linger).multipliedBy(Math.max(1, this.clients)),
				AgentPhases.CONTEXT, contextBound(this.linger).plus(this.curve ? ZAP_CLOSE_BOUND : Duration.ZERO),
				AgentPhases.WEB_SERVER, WEB_SERVER_BOUND));
	}

	/**
	 * How long step 2 may still wait for step 1 to end, {@code elapsed} after the shutdown began:
	 * what is left of the delay, the probe and the drain, so that a wait from another phase never
	 * adds a second drain to the sum.
	 */
	public Duration leftForEndpoints(Duration elapsed) {
		Duration left = this.delay.plus(LIVENESS_PROBE_BOUND).plus(endpointsBound()).minus(elapsed);
		return left.isNegative() ? Duration.ZERO : left;
	}

	public void log(String agent) {
		String budget = "Agent '" + agent + "' shuts down in at most " + worstCase().toMillis() + " ms ("
				+ terms().stream().map(Term::toString).collect(Collectors.joining(" + ")) + "); grace period "
				+ this.gracePeriod.toMillis() + " ms";
		if (exceedsGracePeriod()) {
			logger.warn(budget + ": the worst case exceeds agent.shutdown.grace-period, so a slow drain would be "
					+ "killed; lower the timeouts or raise terminationGracePeriodSeconds and agent.shutdown.grace-period");
		}
		else {
			logger.info(budget);
		}
	}

}
