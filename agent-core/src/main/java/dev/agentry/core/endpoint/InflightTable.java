package dev.agentry.core.endpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.agentry.core.zmq.Envelope;

/**
 * The requests an endpoint has taken and not answered yet: in arrival order, which is
 * deadline order (every request of an endpoint gets the same timeout), and by id for
 * interrupts. It answers a drain's questions: what is left, what is past its deadline, what
 * an interrupt names, what to force, and how many were drained, forced and rejected. Changed
 * on the socket thread only; its size and bytes are read from any thread (the
 * {@code agent_requests_inflight} gauge, the health answer, the limits).
 */
final class InflightTable {

	/** One request in flight. */
	static final class Entry {

		final long seq;

		final Envelope envelope;

		final byte[] body;

		/** Its id and action, read once when it arrived: every reply in the handler's place uses them. */
		final RequestDispatcher.Peek peek;

		final long receivedNanos;

		final long deadlineNanos;

		/** Parsed on the socket thread (an endpoint with inline actions), else by its handler. */
		volatile ActionRequest request;

		/** Set when it was answered in the handler's place; a queued handler then skips it. */
		volatile boolean answered;

		/** Whom it is for, worked out when an interrupt first names it; read on the socket thread only. */
		private String caller;

		private boolean callerKnown;

		private Entry(long seq, Envelope envelope, byte[] body, RequestDispatcher.Peek peek, ActionRequest request,
				long receivedNanos, long deadlineNanos) {
			this.seq = seq;
			this.envelope = envelope;
			this.body = body;
			this.peek = peek;
			this.request = request;
			this.receivedNanos = receivedNanos;
			this.deadlineNanos = deadlineNanos;
		}

	}

	private final Map<Long, Entry> bySeq = new LinkedHashMap<>();

	/**
	 * By their id's string form, filled as they are taken: an interrupt finds its requests at
	 * once instead of walking (and parsing) all of them.
	 */
	private final Map<String, Set<Entry>> byId = new HashMap<>();

	/**
	 * Bytes of request bodies that handlers have not finished with, plus bytes of replies that
	 * handlers have queued and the socket thread has not taken yet: what
	 * {@code max-inflight-bytes} bounds. Changed by handler threads too.
	 */
	private final AtomicLong bytes = new AtomicLong();

	/** How the caller of a request not parsed yet is found: a scan of its body for {@code on_behalf_of}. */
	private final Function<Entry, String> callerScan;

	private volatile int size;

	private long nextSeq;

	private boolean draining;

	private volatile int drained;

	private volatile int forced;

	private volatile int rejected;

	InflightTable(Function<Entry, String> callerScan) {
		this.callerScan = callerScan;
	}

	/** Requests in flight; safe from any thread. */
	int size() {
		return this.size;
	}

	boolean isEmpty() {
		return this.bySeq.isEmpty();
	}

	/** Bytes of requests in flight and replies queued; safe from any thread. */
	long bytes() {
		return this.bytes.get();
	}

	/** A handler let go of a body or queued a reply (positive), or the socket thread took a reply (negative). */
	void addBytes(long delta) {
		this.bytes.addAndGet(delta);
	}

	Entry add(Envelope envelope, byte[] body, RequestDispatcher.Peek peek, ActionRequest request, long receivedNanos,
			long deadlineNanos) {
		Entry entry = new Entry(this.nextSeq++, envelope, body, peek, request, receivedNanos, deadlineNanos);
		this.bytes.addAndGet(body.length);
		this.bySeq.put(entry.seq, entry);
		String key = peek.key();
		if (key != null) {
			this.byId.computeIfAbsent(key, (id) -> new HashSet<>()).add(entry);
		}
		this.size = this.bySeq.size();
		return entry;
	}

	/** Its handler is done: the request leaves the table, or {@code null} when it was answered already. */
	Entry complete(long seq) {
		Entry entry = this.bySeq.get(seq);
		if (entry == null) {
			// Already answered in the handler's place (timeout, forced): the late result goes nowhere.
			return null;
		}
		remove(entry);
		countDrained();
		return entry;
	}

	/**
	 * Takes out the requests with that id whose caller is {@code caller} and hands each to
	 * {@code answer}; requests of other callers are left alone. One look-up, whatever is in flight.
	 */
	RequestEndpoint.Cancelled cancel(String key, String caller, Consumer<Entry> answer) {
		Set<Entry> matching = this.byId.get(key);
		if (matching == null) {
			return RequestEndpoint.Cancelled.NOT_FOUND;
		}
		List<Entry> owned = new ArrayList<>();
		for (Entry entry : matching) {
			if (Objects.equals(callerOf(entry), caller)) {
				owned.add(entry);
			}
		}
		for (Entry entry : owned) {
			takeOut(entry);
			countDrained();
			answer.accept(entry);
		}
		return owned.isEmpty() ? RequestEndpoint.Cancelled.FORBIDDEN : RequestEndpoint.Cancelled.CANCELLED;
	}

	/** Takes out the requests past their deadline and hands each to {@code answer}. */
	void expire(long nowNanos, Consumer<Entry> answer) {
		// In arrival order, which is deadline order: the first one not due ends the walk.
		while (!this.bySeq.isEmpty()) {
			Entry entry = this.bySeq.values().iterator().next();
			if (nowNanos - entry.deadlineNanos < 0) {
				break;
			}
			takeOut(entry);
			answer.accept(entry);
		}
	}

	/** The earliest deadline in flight, or {@link Long#MAX_VALUE} when none is. */
	long nextDeadlineNanos() {
		return this.bySeq.isEmpty() ? Long.MAX_VALUE : this.bySeq.values().iterator().next().deadlineNanos;
	}

	/** From now on, requests that leave the table are counted drained, and refusals rejected. */
	void beginDrain() {
		this.draining = true;
	}

	boolean draining() {
		return this.draining;
	}

	/** A new request was refused: counted when it is for the drain. */
	void reject() {
		if (this.draining) {
			this.rejected++;
		}
	}

	/** Takes out everything left, counted forced, and hands each to {@code answer}. */
	void force(Consumer<Entry> answer) {
		for (Entry entry : List.copyOf(this.bySeq.values())) {
			takeOut(entry);
			this.forced++;
			answer.accept(entry);
		}
	}

	int drained() {
		return this.drained;
	}

	int forced() {
		return this.forced;
	}

	int rejected() {
		return this.rejected;
	}

	private void countDrained() {
		if (this.draining) {
			this.drained++;
		}
	}

	/** Answered in its handler's place: the handler sees it cancelled, and a queued one skips it. */
	private void takeOut(Entry entry) {
		remove(entry);
		entry.answered = true;
		ActionRequest request = entry.request;
		if (request != null) {
			request.cancel();
		}
	}

	private void remove(Entry entry) {
		this.bySeq.remove(entry.seq);
		String key = entry.peek.key();
		Set<Entry> same = (key != null) ? this.byId.get(key) : null;
		if (same != null && same.remove(entry) && same.isEmpty()) {
			this.byId.remove(key);
		}
		this.size = this.bySeq.size();
	}

	private String callerOf(Entry entry) {
		if (!entry.callerKnown) {
			ActionRequest parsed = entry.request;
			entry.caller = (parsed != null) ? parsed.caller() : this.callerScan.apply(entry);
			entry.callerKnown = true;
		}
		return entry.caller;
	}

}
