package dev.agentry.core.zmq;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.trust.ZapHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts every peer refused by CURVE in {@code agent_auth_denied_total{socket,reason}}. The ZAP
 * handler logs the keys it refuses itself; a plain-text peer of a CURVE socket has no key and
 * is refused before ZAP, by the handshake: it is logged here, once per socket a minute at most.
 * Runs on JeroMQ's I/O threads and the ZAP handler's.
 */
final class AuthDenials implements ZapHandler.Denials {

	private static final Log logger = LogFactory.getLog(AuthDenials.class);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final AgentMetrics metrics;

	/** A rate limit for the log, not a meter cache: the counters come from Micrometer. */
	private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();

	AuthDenials(AgentMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public void denied(String socket, String reason) {
		this.metrics.authDenied(socket, reason).increment();
		if (!ZapHandler.NO_CURVE.equals(reason)) {
			return;
		}
		long now = System.nanoTime();
		AtomicLong last = this.lastLogged.computeIfAbsent(socket, (k) -> new AtomicLong(now - LOG_INTERVAL_NANOS));
		long previous = last.get();
		if (now - previous >= LOG_INTERVAL_NANOS && last.compareAndSet(previous, now)) {
			logger.warn("Socket '" + socket + "' refused a peer without CURVE (plain text); counted in "
					+ "agent_auth_denied_total{reason=\"no_curve\"}, told here at most once a minute");
		}
	}

}
