package dev.agentry.core.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The calls sent and waiting for their reply, by their random correlation frame. Used by
 * the client's loop only.
 */
final class PendingCalls {

	private final Map<Long, Call> calls = new HashMap<>();

	private final Correlations correlations = new Correlations();

	/** A correlation that no pending call holds. */
	long nextCorrelation() {
		long correlation;
		do {
			correlation = this.correlations.next();
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
