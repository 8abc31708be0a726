package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A request endpoint: a ROUTER socket that speaks the agent's JSON protocol. Its parts: an
 * {@link EndpointLoop} owns the socket and knows how to drain, an {@link InflightTable} holds
 * what is in flight, and {@link DrainStep} decides when to drain (step 1 of the shutdown).
 * What peers can make it hold is bounded: requests in flight by count and by bytes
 * ({@code max-inflight}, {@code max-inflight-bytes}), replies queued per peer by the ROUTER's
 * send high-water mark, and each reply by the requester's {@code max-message-size}.
 */
public final class RequestEndpoint {

	/** The name of the endpoint configured by {@code agent.endpoint}. */
	public static final String MAIN = "main";

	/** An inline handler that runs longer than this holds up its endpoint: it is logged. */
	static final long SLOW_INLINE_MILLIS = 10;

	private static final Log logger = LogFactory.getLog(RequestEndpoint.class);

	private final Settings settings;

	private final ZmqSockets sockets;

	private final EndpointActions actions;

	private final RequestDispatcher dispatcher;

	private final AgentMetrics metrics;

	private final Consumer<Throwable> onCrash;

	private final InflightTable table;

	private volatile EndpointLoop loop;

	private volatile String boundEndpoint;

	/**
	 * @param name the endpoint's name in metrics, logs and {@link AgentAction#endpoint()}
	 * @param bind where the ROUTER binds, e.g. {@code tcp://*:5555}
	 * @param threads handler threads
	 * @param maxInflight above this, new requests are answered {@code unavailable}
	 * @param maxInflightBytes above this many bytes of requests in flight and replies queued,
	 * new requests are answered {@code unavailable}
	 * @param requestTimeout how long a handler may run before the endpoint answers {@code timeout}
	 */
	public record Settings(String name, String bind, int threads, int maxInflight, long maxInflightBytes,
			Duration requestTimeout) {
	}

	/**
	 * @param healthReply the health socket's answer with the request's id echoed, which the
	 * endpoint's {@code health_check} action gives
	 */
	public RequestEndpoint(Settings settings, ZmqSockets sockets, AgentActions actions, ObjectMapper mapper,
			AgentMetrics metrics, Function<JsonNode, byte[]> healthReply, Consumer<Throwable> onCrash) {
		this.settings = settings;
		this.sockets = sockets;
		this.actions = new EndpointActions(settings.name(), actions, healthReply);
		this.dispatcher = new RequestDispatcher(this.actions, mapper);
		this.metrics = metrics;
		this.onCrash = onCrash;
		this.table = new InflightTable((entry) -> this.dispatcher.caller(entry.body, entry.envelope.peer()));
		metrics.inflight(settings.name(), this.table::size);
	}

	public String name() {
		return this.settings.name();
	}

	/** The address the socket is bound to (the real port when bound to port 0), once started. */
	public String boundEndpoint() {
		return this.boundEndpoint;
	}

	public int inflight() {
		return this.table.size();
	}

	/** Bytes of requests in flight and replies queued, as {@code max-inflight-bytes} counts them. */
	long inflightBytes() {
		return this.table.bytes();
	}

	/** What an interrupt did. */
	public enum Cancelled {

		/** Requests with that id, sent by that caller, were answered {@code cancelled}. */
		CANCELLED,

		/** No request with that id is in flight. */
		NOT_FOUND,

		/** Requests with that id are in flight, but none was sent by that caller: none was touched. */
		FORBIDDEN

	}

	/**
	 * Cancels the requests in flight whose {@code id} is {@code requestId} (as JSON: the string
	 * {@code "7"} is not the number {@code 7}) and whose caller ({@link ActionRequest#caller()})
	 * is {@code caller}: each is answered {@code cancelled} at once and its handler sees
	 * {@link ActionRequest#isCancelled()}. Requests of other callers are left alone. Safe from
	 * any thread.
	 * @param caller who asks, as {@link ActionRequest#peer()} names peers ({@code null}: an
	 * anonymous peer, who can cancel only anonymous requests)
	 */
	public CompletableFuture<Cancelled> cancel(JsonNode requestId, String caller) {
		EndpointLoop current = this.loop;
		String key = RequestDispatcher.Peek.keyOf(requestId);
		if (current == null || key == null) {
			return CompletableFuture.completedFuture(Cancelled.NOT_FOUND);
		}
		return current.cancel(key, caller);
	}

	/** How many times the endpoint's socket thread has polled so far (0 before it starts). */
	long polls() {
		EndpointLoop current = this.loop;
		return (current != null) ? current.polls() : 0;
	}

	/** Whether its socket is open: started and not yet closed. */
	public boolean isRunning() {
		EndpointLoop current = this.loop;
		return current != null && !current.isTerminated();
	}

	/** Binds the socket and starts serving; once. */
	synchronized void start() {
		if (this.loop != null) {
			return;
		}
		EndpointLoop started = new EndpointLoop(this.settings, this.sockets, this.actions, this.dispatcher,
				this.metrics, this.table, (bound) -> this.boundEndpoint = bound, this.onCrash);
		started.start(Duration.ofSeconds(30));
		this.loop = started;
		logger.info("Endpoint '" + name() + "' bound to " + this.boundEndpoint + " with actions "
				+ this.actions.applicationActions() + ", " + this.settings.threads() + " handler threads, max in flight "
				+ this.settings.maxInflight() + " requests and " + this.settings.maxInflightBytes() + " bytes");
	}

	/** Stops taking new requests (answered {@code unavailable}); those in flight finish. */
	void shutdown() {
		EndpointLoop current = this.loop;
		if (current != null) {
			current.shutdown();
		}
	}

	/** Answers what is left in flight in the handlers' place, counted {@code forced}, and closes. */
	void shutdownNow() {
		EndpointLoop current = this.loop;
		if (current != null) {
			current.shutdownNow();
		}
	}

	/** Waits until the last replies are flushed and the socket is closed (or it never started). */
	boolean awaitTermination(Duration timeout) {
		EndpointLoop current = this.loop;
		return current == null || current.awaitTermination(timeout);
	}

	/** When its socket closed ({@link System#nanoTime()}), or {@code 0} while it is open. */
	long closedNanos() {
		EndpointLoop current = this.loop;
		return (current != null) ? current.closedNanos() : 0;
	}

	/** The counts of its drain: requests drained, forced and rejected. */
	InflightTable table() {
		return this.table;
	}

}
