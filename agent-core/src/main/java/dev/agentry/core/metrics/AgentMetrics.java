package dev.agentry.core.metrics;

import java.time.Duration;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The agent's meters, with the names and tags that dashboards depend on. Prometheus shows
 * {@code agent.requests} as {@code agent_requests_total}, timers as {@code _seconds}.
 * Every meter carries the {@code agent} tag. The shutdown's own timers are the shutdown
 * package's ({@code ShutdownMetrics}), so that this package does not depend on it. Meters
 * that are looked up per request or per peer come from Micrometer's {@link MeterProvider}s,
 * which find or register the meter for its tags: callers need no cache of their own.
 */
public final class AgentMetrics {

	private final MeterRegistry registry;

	private final String agent;

	private final MeterProvider<Counter> requests;

	private final MeterProvider<Counter> peerDisconnects;

	private final MeterProvider<Counter> authDenied;

	private final MeterProvider<Counter> rejectedReplies;

	private final MeterProvider<Timer> requestTimers;

	public AgentMetrics(MeterRegistry registry, String agent) {
		this.registry = registry;
		this.agent = agent;
		this.requests = Counter.builder("agent.requests")
			.description("Requests answered by an agent endpoint, by outcome (ok, an error code, forced)")
			.tag("agent", agent)
			.withRegistry(registry);
		this.peerDisconnects = Counter.builder("agent.peer.disconnects")
			.description("Connections that the agent or ZeroMQ dropped for what the peer sent or failed to send")
			.tag("agent", agent)
			.withRegistry(registry);
		this.authDenied = Counter.builder("agent.auth.denied")
			.description("Peers refused by CURVE authentication (ZAP): a key not authorized, or no CURVE")
			.tag("agent", agent)
			.withRegistry(registry);
		this.rejectedReplies = Counter.builder("agent.client.replies.rejected")
			.description("Replies an agent client dropped instead of completing a call with them")
			.tag("agent", agent)
			.withRegistry(registry);
		this.requestTimers = Timer.builder("agent.request")
			.description("Time from a request's arrival to its reply")
			.tag("agent", agent)
			.withRegistry(registry);
	}

	public MeterRegistry registry() {
		return this.registry;
	}

	/** The {@code agent} tag of every meter. */
	public String agent() {
		return this.agent;
	}

	/** {@code agent_requests_total{endpoint, action, outcome}}. */
	public Counter requests(String endpoint, String action, String outcome) {
		return this.requests.withTags("endpoint", endpoint, "action", action, "outcome", outcome);
	}

	/** {@code agent_peer_disconnects_total{socket, reason}}: connections ZeroMQ dropped for what the peer did. */
	public Counter peerDisconnects(String socket, String reason) {
		return this.peerDisconnects.withTags("socket", socket, "reason", reason);
	}

	/**
	 * {@code agent_auth_denied_total{socket, reason}}: peers refused by CURVE/ZAP
	 * ({@code unknown_key}, {@code no_curve}).
	 */
	public Counter authDenied(String socket, String reason) {
		return this.authDenied.withTags("socket", socket, "reason", reason);
	}

	/**
	 * {@code agent_replies_undeliverable_total{endpoint}}: replies ZeroMQ could not route
	 * because the peer had gone or stopped reading.
	 */
	public Counter undeliverableReplies(String endpoint) {
		return Counter.builder("agent.replies.undeliverable")
			.description("Replies that could not be delivered: the peer had gone or was not reading")
			.tags("agent", this.agent, "endpoint", endpoint)
			.register(this.registry);
	}

	/**
	 * {@code agent_client_replies_rejected_total{client, reason}}: replies an agent client
	 * dropped, e.g. {@code wrong_peer}: from another peer than the one its call went to.
	 */
	public Counter rejectedReplies(String client, String reason) {
		return this.rejectedReplies.withTags("client", client, "reason", reason);
	}

	/** {@code agent_request_seconds{endpoint, action}}. */
	public Timer requestTimer(String endpoint, String action) {
		return this.requestTimers.withTags("endpoint", endpoint, "action", action);
	}

	/** {@code agent_requests_inflight{endpoint}}. */
	public void inflight(String endpoint, IntSupplier inflight) {
		Gauge.builder("agent.requests.inflight", inflight::getAsInt)
			.description("Requests received and not yet answered")
			.tags("agent", this.agent, "endpoint", endpoint)
			.strongReference(true)
			.register(this.registry);
	}

	/** {@code agent_worker_join_timeouts_total{worker}}. */
	public void workerJoinTimeout(String worker) {
		Counter.builder("agent.worker.join.timeouts")
			.description("Workers abandoned because they did not end within the join timeout")
			.tags("agent", this.agent, "worker", worker)
			.register(this.registry)
			.increment();
	}

	/** {@code agent_last_shutdown_seconds{outcome}}: the previous run's total, from its report. */
	public void lastShutdown(String outcome, double seconds) {
		Gauge.builder("agent.last.shutdown", () -> seconds)
			.description("Total duration of the previous run's shutdown, read back from its report")
			.baseUnit("seconds")
			.tags("agent", this.agent, "outcome", outcome)
			.strongReference(true)
			.register(this.registry);
	}

}
