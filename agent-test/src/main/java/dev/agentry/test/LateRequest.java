package dev.agentry.test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One request from a client that connects after the signal, as a client would that had not
 * yet heard the agent is going: sent at a given moment of the drain, on its own thread and
 * socket, and recorded like the load's requests.
 */
final class LateRequest {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	static final String ID = "late-request";

	private final CompletableFuture<RequestRecord> record;

	private final long signalNanos;

	private LateRequest(CompletableFuture<RequestRecord> record, long signalNanos) {
		this.record = record;
		this.signalNanos = signalNanos;
	}

	static LateRequest start(String endpoint, String template, long signalNanos, Duration after) {
		CompletableFuture<RequestRecord> record = new CompletableFuture<>();
		Thread thread = new Thread(() -> record.complete(send(endpoint, template, signalNanos, after)),
				"agentry-late-request");
		thread.setDaemon(true);
		thread.start();
		return new LateRequest(record, signalNanos);
	}

	private static RequestRecord send(String endpoint, String template, long signalNanos, Duration after) {
		long sendAt = signalNanos + after.toNanos();
		long wait = sendAt - System.nanoTime();
		if (wait > 0) {
			ShutdownCheck.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
		}
		ObjectNode request = (ObjectNode) mapper.readTree(template);
		request.put("id", ID);
		long sent = System.nanoTime();
		// The connection is proven with a health check first (JeroMQ's stalled handshakes):
		// a draining endpoint answers that too, so only an endpoint already closed fails here.
		try (ZmqTestClient client = ZmqTestClient.dealer(endpoint, 5_000)) {
			sent = System.nanoTime();
			JsonNode reply = client.call(mapper.writeValueAsString(request));
			if (reply == null) {
				return new RequestRecord(ID, sent, -1, RequestRecord.SILENT);
			}
			return new RequestRecord(ID, sent, System.nanoTime(), RequestRecord.outcomeOf(reply));
		}
		catch (IllegalStateException ex) {
			return new RequestRecord(ID, sent, -1, RequestRecord.SILENT);
		}
	}

	RequestRecord await() {
		try {
			return this.record.get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new RequestRecord(ID, this.signalNanos, -1, RequestRecord.SILENT);
		}
		catch (ExecutionException | TimeoutException ex) {
			return new RequestRecord(ID, this.signalNanos, -1, RequestRecord.SILENT);
		}
	}

}
