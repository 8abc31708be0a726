package dev.agentry.core.client;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The calls sent and waiting for their reply, by correlation frame. The frames are random,
 * so that no peer can guess those of calls sent to others. Used by the client's loop only.
 */
final class PendingCalls {

	private final Map<Long, Call> calls = new HashMap<>();

	private final SecureRandom random = new SecureRandom();

	/** Random bytes fetched in batches: one SecureRandom call per 256 requests, not per request. */
	private final ByteBuffer randomBytes = ByteBuffer.allocate(Long.BYTES * 256).position(Long.BYTES * 256);

	/** A correlation that no pending call holds. */
	long nextCorrelation() {
		long correlation;
		do {
			if (!this.randomBytes.hasRemaining()) {
				this.random.nextBytes(this.randomBytes.array());
				this.randomBytes.clear();
			}
			correlation = this.randomBytes.getLong();
		}
		while (this.calls.containsKey(correlation));
		return correlation;
	}

	void put(long correlation, Call call) {
		this.calls.put(correlation, call);
	}

	Call get(long correlation) {
		return this.calls.get(correlation);
	}

	Call remove(long correlation) {
		return this.calls.remove(correlation);
	}

	/** Takes out and returns the calls that {@code which} selects. */
	List<Call> removeIf(Predicate<Call> which) {
		List<Call> removed = new ArrayList<>();
		for (Iterator<Call> pending = this.calls.values().iterator(); pending.hasNext();) {
			Call call = pending.next();
			if (which.test(call)) {
				pending.remove();
				removed.add(call);
			}
		}
		return removed;
	}

	Collection<Call> all() {
		return this.calls.values();
	}

	/** The earliest deadline of a pending call, or {@link Long#MAX_VALUE} for none. */
	long earliestDeadline() {
		long next = Long.MAX_VALUE;
		for (Call call : this.calls.values()) {
			next = Math.min(next, call.deadline());
		}
		return next;
	}

}
