package dev.agentry.samples.demo;

import java.util.function.Consumer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.agentry.test.ZmqTestClient;
import org.zeromq.ZMQ;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Steady load through one endpoint, counted by the client, not by the system: a few threads,
 * each with its own DEALER connection (the kit's {@link ZmqTestClient}) and one request in
 * flight. Not the kit's load driver: that one stops at the first {@code unavailable}, as a
 * client of a draining agent should, while these clients play the coordinator's callers
 * through a rolling update and retry what is retryable.
 *
 * <ul>
 * <li><b>sent</b>: requests, each counted once however often it was retried;</li>
 * <li><b>ok</b>: answered {@code "status":"ok"};</li>
 * <li><b>retried</b>: got an error with {@code "retryable":true} and were sent again (up to
 * {@value #MAX_RETRIES} times; they end as ok or failed);</li>
 * <li><b>failed</b>: a non-retryable error, or still retryable after the last retry;</li>
 * <li><b>lost</b>: no reply within the receive timeout; the connection is then replaced.</li>
 * </ul>
 * When the load stops, each thread finishes its request in flight, so that sent = ok +
 * failed + lost.
 */
final class LoadClients {

	static final int MAX_RETRIES = 5;

	private static final int RECEIVE_TIMEOUT_MILLIS = 5000;

	private static final int MAX_NOTES = 20;

	private static final int MAX_RETRY_NOTES = 5;

	private static final String[] TEXTS = { "what a great day for a rolling update",
			"the old worker drains while the new one serves", "no request should be lost or broken",
			"a happy cluster is a nice cluster", "sad to see a poor failed request" };

	final AtomicLong sent = new AtomicLong();

	final AtomicLong ok = new AtomicLong();

	final AtomicLong retried = new AtomicLong();

	final AtomicLong failed = new AtomicLong();

	final AtomicLong lost = new AtomicLong();

	/** Connections that did not answer five health checks in a row (not requests). */
	final AtomicLong connectFailures = new AtomicLong();

	/** Answered requests per worker instance, as the coordinator's {@code worker} field names it. */
	private final Map<String, AtomicLong> byWorker = new ConcurrentHashMap<>();

	/** What went wrong, first few cases, for people. */
	private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

	/** The first few retried requests, for people. */
	private final List<String> retryNotes = Collections.synchronizedList(new ArrayList<>());

	private final String endpoint;

	private final int clients;

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	/** CURVE client settings for the coordinator, applied to every connection. */
	private final Consumer<ZMQ.Socket> setUp;

	LoadClients(String endpoint, Consumer<ZMQ.Socket> setUp, int clients) {
		this.setUp = setUp;
		this.endpoint = endpoint;
		this.clients = clients;
	}

	void start() {
		this.running = true;
		for (int i = 1; i <= this.clients; i++) {
			int client = i;
			Thread thread = new Thread(() -> drive(client), "demo-client-" + client);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	/**
	 * Stops sending and waits for each thread's request in flight.
	 * @return whether every thread ended in time
	 */
	boolean stop() throws InterruptedException {
		this.running = false;
		long deadline = System.nanoTime() + 40_000_000_000L;
		boolean all = true;
		for (Thread thread : this.threads) {
			thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			all &= !thread.isAlive();
		}
		return all;
	}

	String counts() {
		return "sent " + this.sent.get() + ", ok " + this.ok.get() + ", retried " + this.retried.get() + ", failed "
				+ this.failed.get() + ", lost " + this.lost.get();
	}

	Map<String, Long> byWorker() {
		Map<String, Long> copy = new TreeMap<>();
		this.byWorker.forEach((worker, count) -> copy.put(worker, count.get()));
		return copy;
	}

	/** The first few retried requests, then the first few failed or lost ones. */
	List<String> notes() {
		List<String> all = new ArrayList<>();
		synchronized (this.retryNotes) {
			all.addAll(this.retryNotes);
		}
		synchronized (this.notes) {
			all.addAll(this.notes);
		}
		return all;
	}

	private void drive(int client) {
		ZmqTestClient socket = null;
		long sequence = 0;
		try {
			while (this.running) {
				if (socket == null) {
					socket = open();
					if (socket == null) {
						this.connectFailures.incrementAndGet();
						note("client " + client + ": no answer to 5 health checks on fresh connections");
						Thread.sleep(500);
						continue;
					}
				}
				sequence++;
				String id = "c" + client + "-" + sequence;
				String text = TEXTS[(int) (sequence % TEXTS.length)] + " #" + sequence;
				String request = "{\"action\":\"infer\",\"id\":\"" + id + "\",\"text\":\"" + text + "\"}";
				this.sent.incrementAndGet();
				if (!exchange(socket, id, request)) {
					socket.close();
					socket = null;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			note("client " + client + " crashed: " + ex);
		}
		finally {
			if (socket != null) {
				socket.close();
			}
		}
	}

	/** A connection proven by a health check, or {@code null} when five fresh ones in a row got no answer. */
	private ZmqTestClient open() {
		try {
			return ZmqTestClient.dealer(this.endpoint, RECEIVE_TIMEOUT_MILLIS, this.setUp);
		}
		catch (IllegalStateException ex) {
			return null;
		}
	}

	/**
	 * One request to its end: ok, failed or lost.
	 * @return whether the connection can be used again (false after a lost request)
	 */
	private boolean exchange(ZmqTestClient socket, String id, String request) throws InterruptedException {
		for (int retries = 0;; retries++) {
			socket.send(request);
			JsonNode reply;
			try {
				reply = receive(socket, id);
			}
			catch (JacksonException ex) {
				this.failed.incrementAndGet();
				note(id + " failed: a reply that is not JSON");
				return true;
			}
			if (reply == null) {
				this.lost.incrementAndGet();
				note(id + " lost: no reply within " + RECEIVE_TIMEOUT_MILLIS + " ms");
				return false;
			}
			if ("ok".equals(reply.path("status").asString(""))) {
				this.ok.incrementAndGet();
				this.byWorker.computeIfAbsent(reply.path("worker").asString("?"), (w) -> new AtomicLong())
					.incrementAndGet();
				return true;
			}
			boolean retryable = reply.path("retryable").asBoolean(false);
			if (retryable && retries < MAX_RETRIES) {
				if (retries == 0) {
					this.retried.incrementAndGet();
					synchronized (this.retryNotes) {
						if (this.retryNotes.size() < MAX_RETRY_NOTES) {
							this.retryNotes.add(id + " retried after " + reply);
						}
					}
				}
				Thread.sleep(20L * (retries + 1));
				continue;
			}
			this.failed.incrementAndGet();
			note(id + " failed" + (retryable ? " after " + retries + " retries" : "") + ": " + reply);
			return true;
		}
	}

	/** The reply to {@code id}; a stray reply to another id is noted and skipped. */
	private JsonNode receive(ZmqTestClient socket, String id) {
		while (true) {
			JsonNode reply = socket.receive();
			if (reply == null || !reply.has("id") || id.equals(reply.path("id").asString(""))) {
				return reply;
			}
			note("stray reply while waiting for " + id + ": " + reply);
		}
	}

	private void note(String note) {
		synchronized (this.notes) {
			if (this.notes.size() < MAX_NOTES) {
				this.notes.add(note);
			}
		}
	}

}
