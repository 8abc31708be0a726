package dev.agentry.core.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.backoff.BackOff;

/**
 * The endpoints of one client whose last connect failed (a host name that does not resolve
 * yet), shared by the client's loop and its callers' lanes: each is told once at WARN, not
 * once per call or per thread; it is tried again only after a back-off (each try looks the
 * name up on the calling thread); and it is forgotten when a connect succeeds.
 */
final class Unconnectables {

	private static final Log logger = LogFactory.getLog(Unconnectables.class);

	private final String client;

	private final BackOff backOff;

	private final ConcurrentMap<String, Unconnectable> failed = new ConcurrentHashMap<>();

	Unconnectables(String client, BackOff backOff) {
		this.client = client;
		this.backOff = backOff;
	}

	/** Whether the endpoint failed to connect and its back-off is not over at {@code now}. */
	boolean backingOff(String endpoint, long now) {
		Unconnectable last = this.failed.get(endpoint);
		return last != null && now - last.retryAt() < 0;
	}

	boolean contains(String endpoint) {
		return this.failed.containsKey(endpoint);
	}

	/** Why the endpoint's last connect failed, for the call's error reply. */
	String reason(String endpoint) {
		Unconnectable last = this.failed.get(endpoint);
		return (last != null) ? last.reason() : "it could not be connected";
	}

	/** A connect failed: the back-off starts, or grows. */
	void failed(String endpoint, RuntimeException ex) {
		String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		Unconnectable[] before = new Unconnectable[1];
		Unconnectable now = this.failed.compute(endpoint, (key, last) -> {
			before[0] = last;
			BackOffWait wait = (last != null) ? last.backOff().next() : BackOffWait.first(this.backOff);
			return new Unconnectable(reason, wait, System.nanoTime() + wait.duration().toNanos());
		});
		if (before[0] == null) {
			logger.warn("Agent client '" + this.client + "' cannot connect to " + endpoint + " (" + reason
					+ "); calls move on to another endpoint or are answered unavailable, and it is tried again after "
					+ now.backOff().duration().toMillis() + " ms, then less often, up to every "
					+ RetryPolicy.RECONNECT_LONGEST.toSeconds() + " s");
		}
	}

	/** A connect succeeded. */
	void connected(String endpoint) {
		if (this.failed.remove(endpoint) != null) {
			logger.info("Agent client '" + this.client + "' connected to " + endpoint + ", which it could not before");
		}
	}

	/** Why an endpoint could not be connected, and when to try it again. */
	private record Unconnectable(String reason, BackOffWait backOff, long retryAt) {
	}

}
