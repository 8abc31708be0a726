package dev.agentry.core.zmq;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.zmq.ZmqSockets.Refusal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts every peer that ZeroMQ disconnected for what it did, and says so in the log: one WARN
 * per socket and reason at most every few seconds, since a hostile peer can make thousands a
 * second and the log must not become the next thing it fills. Runs on JeroMQ's I/O threads.
 */
final class PeerRefusals implements Consumer<Refusal> {

	private static final Log logger = LogFactory.getLog(PeerRefusals.class);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final AgentMetrics metrics;

	private final long maxMessageSize;

	private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();

	PeerRefusals(AgentMetrics metrics, long maxMessageSize) {
		this.metrics = metrics;
		this.maxMessageSize = maxMessageSize;
	}

	@Override
	public void accept(Refusal refusal) {
		this.metrics.peerDisconnects(refusal.socket(), refusal.reason()).increment();
		if (Refusal.TOO_LARGE.equals(refusal.reason())) {
			// Kept from before agent_peer_disconnects_total existed: dashboards may count it.
			this.metrics.requests(refusal.socket(), "none", "too_large").increment();
		}
		// A rate limit for the log, not a meter cache: the counter above comes from Micrometer.
		String key = refusal.socket() + '\u0000' + refusal.reason();
		long now = System.nanoTime();
		AtomicLong last = this.lastLogged.computeIfAbsent(key, (k) -> new AtomicLong(now - LOG_INTERVAL_NANOS));
		long previous = last.get();
		if (now - previous >= LOG_INTERVAL_NANOS && last.compareAndSet(previous, now)) {
			logger.warn("Socket '" + refusal.socket() + "': ZeroMQ disconnected " + refusal.peer() + " (" + why(refusal)
					+ "); counted in agent_peer_disconnects_total, further ones for 10 s only there");
		}
	}

	private String why(Refusal refusal) {
		return switch (refusal.reason()) {
			case Refusal.TOO_LARGE -> "a message over agent.zmq.max-message-size, " + this.maxMessageSize + " bytes";
			case Refusal.HANDSHAKE_TIMEOUT -> "no ZMTP handshake within agent.zmq.handshake-timeout";
			default -> "a malformed frame or a failed handshake";
		};
	}

}
