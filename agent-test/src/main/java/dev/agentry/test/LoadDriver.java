package dev.agentry.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Drives a {@link Load} against one endpoint and records every request. Each connection
 * lives on its own thread (ZeroMQ sockets are not thread-safe) and behaves as a well-mannered
 * client of a load balancer: it stops sending once told to (readiness went 503, the process
 * exited) or once the agent answered it {@code unavailable}, then waits for its outstanding
 * replies. What is still unanswered when the driver is {@linkplain #finish finished} is
 * recorded {@code silent}.
 */
final class LoadDriver {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** How long one receive waits before the thread looks at its flags again. */
	private static final int POLL_MILLIS = 50;

	private final Load load;

	private final String endpoint;

	private final ObjectNode template;

	private final List<Thread> threads = new ArrayList<>();

	private final List<RequestRecord> records = Collections.synchronizedList(new ArrayList<>());

	private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

	private final AtomicLong sent = new AtomicLong();

	private final CountDownLatch connected;

	private volatile boolean stopSending;

	private volatile boolean abandon;

	LoadDriver(Load load, String endpoint) {
		this.load = load;
		this.endpoint = endpoint;
		JsonNode parsed = mapper.readTree(load.template());
		if (!(parsed instanceof ObjectNode object)) {
			throw new IllegalArgumentException("The load template must be a JSON object: " + load.template());
		}
		this.template = object;
		this.connected = new CountDownLatch(load.clients());
	}

	/** Starts the connections and waits until each has proven itself (or failed to). */
	void start(long connectTimeoutMillis) {
		for (int i = 0; i < this.load.clients(); i++) {
			String prefix = "load-" + i + "-";
			Thread thread = new Thread(() -> run(prefix), "agentry-load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
		try {
			this.connected.await(connectTimeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	long sent() {
		return this.sent.get();
	}

	/** No new requests from now on; outstanding ones are still awaited. */
	void stopSending() {
		this.stopSending = true;
	}

	/**
	 * Stops sending, waits up to the timeout for the outstanding replies, then records what is
	 * still unanswered as silent.
	 * @return every request, in the order they were answered or given up
	 */
	List<RequestRecord> finish(long timeoutMillis) {
		this.stopSending = true;
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		for (Thread thread : this.threads) {
			join(thread, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
		}
		this.abandon = true;
		for (Thread thread : this.threads) {
			join(thread, 5_000);
		}
		synchronized (this.records) {
			return List.copyOf(this.records);
		}
	}

	/** Connections that could not be opened, and replies that could not be read. */
	List<String> problems() {
		synchronized (this.problems) {
			return List.copyOf(this.problems);
		}
	}

	private void run(String prefix) {
		ZmqTestClient client;
		try {
			client = ZmqTestClient.dealer(this.endpoint, POLL_MILLIS);
		}
		catch (IllegalStateException ex) {
			this.problems.add("load connection failed: " + ex.getMessage());
			this.connected.countDown();
			return;
		}
		this.connected.countDown();
		try (client) {
			drive(client, prefix);
		}
	}

	private void drive(ZmqTestClient client, String prefix) {
		Map<String, Long> outstanding = new LinkedHashMap<>();
		boolean refused = false;
		long next = 0;
		while (true) {
			if (!this.stopSending && !refused && outstanding.size() < this.load.inflight()) {
				String id = prefix + next++;
				ObjectNode request = this.template.deepCopy();
				request.put("id", id);
				outstanding.put(id, System.nanoTime());
				client.send(mapper.writeValueAsString(request));
				this.sent.incrementAndGet();
				continue;
			}
			if (outstanding.isEmpty() && (this.stopSending || refused)) {
				return;
			}
			if (this.abandon) {
				outstanding.forEach((id, at) -> this.records.add(new RequestRecord(id, at, -1, RequestRecord.SILENT)));
				return;
			}
			JsonNode reply;
			try {
				reply = client.receive();
			}
			catch (JacksonException ex) {
				// Never the payload: just that it was not JSON.
				this.problems.add("a reply that is not JSON");
				continue;
			}
			if (reply == null) {
				continue;
			}
			long now = System.nanoTime();
			Long at = outstanding.remove(reply.path("id").asString(""));
			if (at == null) {
				this.problems.add("a reply to no outstanding request (id " + reply.path("id") + ")");
				continue;
			}
			String outcome = RequestRecord.outcomeOf(reply);
			refused |= "unavailable".equals(outcome);
			this.records.add(new RequestRecord(reply.path("id").asString(""), at, now, outcome));
		}
	}

	private static void join(Thread thread, long millis) {
		try {
			thread.join(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
