package dev.agentry.core.endpoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.zmq.Envelope;
import dev.agentry.core.zmq.SocketPoller;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import dev.agentry.core.wire.AgentError;
import io.micrometer.core.instrument.Counter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;

/**
 * The socket loop of one request endpoint: its thread creates, polls and closes the ROUTER;
 * handlers run on a bounded pool and hand their replies back through a queue and a wake-up.
 * It knows <em>how</em> to drain, as grpc-java's server does, and leaves <em>when</em> to its
 * owner: {@link #shutdown()} stops taking new requests (they are answered {@code unavailable})
 * and lets the ones in flight finish; {@link #shutdownNow()} answers what is left in the
 * handlers' place (counted {@code forced}); {@link #awaitTermination} waits until the last
 * replies are flushed and the socket is closed. Both verbs only signal the loop's thread,
 * which never is interrupted.
 */
final class EndpointLoop extends ZmqLoop {

	private static final Log logger = LogFactory.getLog(EndpointLoop.class);

	private static final int RECEIVE_BATCH = 256;

	/**
	 * The ROUTER's send high-water mark: how many replies ZeroMQ queues for one peer before
	 * it counts the peer as not reading and further replies to it are dropped (and counted
	 * undeliverable). No reply is larger than {@code agent.zmq.max-message-size} (see
	 * {@code reply}), so a peer that never reads can hold at most this many times that per
	 * connection, and only with replies it paid for with as many requests. It cannot be much
	 * lower: a peer that does read can be this far behind when its I/O thread is not
	 * scheduled during a burst (one pass of the loop sends up to a receive batch of refusals
	 * plus every completion); 64 lost a third of a 300-request burst on a loaded two-core
	 * machine. A bound in bytes would need replies held here and counted in max-inflight-bytes.
	 */
	static final int REPLIES_QUEUED_PER_PEER = 1000;

	/**
	 * An inline action (such as {@code health_check}) up to this size is parsed and answered
	 * on the socket thread of an endpoint that does not parse every request there; parsed in
	 * full like any request (strict input holds for it too), which a small body keeps cheap. A
	 * larger one goes to the pool like any request, not to hold up this thread.
	 */
	static final int INLINE_PARSED_HERE = 4096;

	private final RequestEndpoint.Settings settings;

	private final ZmqSockets sockets;

	private final EndpointActions actions;

	private final RequestDispatcher dispatcher;

	private final AgentMetrics metrics;

	private final InflightTable table;

	private final Consumer<String> bound;

	private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

	private final Queue<Cancellation> cancellations = new ConcurrentLinkedQueue<>();

	private final Counter undeliverable;

	private final HandlerPool handlers;

	/** The requests of this pass for the handlers, handed over together at its end. */
	private final List<Runnable> handOff = new ArrayList<>();

	/** Some actions run here: every request must be parsed here to know whether it is one. */
	private final boolean parseEverything;

	/** Inline actions already logged as slow: one WARN each, not one per request. */
	private final Set<String> slowInline = new HashSet<>();

	private volatile boolean forceRequested;

	private volatile long closedNanos;

	private ZMQ.Socket router;

	/** Whether it is refusing requests for load: one WARN when it starts, not one per request. */
	private boolean refusing;

	private boolean done;

	/** @param bound told the address the socket is bound to, once it is */
	EndpointLoop(RequestEndpoint.Settings settings, ZmqSockets sockets, EndpointActions actions,
			RequestDispatcher dispatcher, AgentMetrics metrics, InflightTable table, Consumer<String> bound,
			Consumer<Throwable> onCrash) {
		super("agent-endpoint-" + settings.name(), sockets.context(), onCrash);
		this.settings = settings;
		this.sockets = sockets;
		this.actions = actions;
		this.dispatcher = dispatcher;
		this.metrics = metrics;
		this.table = table;
		this.bound = bound;
		this.undeliverable = metrics.undeliverableReplies(settings.name());
		this.parseEverything = actions.applicationRunsInline();
		this.handlers = new HandlerPool(settings.threads(), "agent-" + settings.name() + "-handler-");
	}

	/** Stops taking new requests; those in flight finish. Safe from any thread. */
	void shutdown() {
		requestStop();
	}

	/** Answers what is still in flight in the handlers' place, then closes. Safe from any thread. */
	void shutdownNow() {
		this.forceRequested = true;
		requestStop();
	}

	/** When the socket was closed ({@link System#nanoTime()}), once terminated. */
	long closedNanos() {
		return this.closedNanos;
	}

	/** Queues an interrupt for the loop's thread; see {@link RequestEndpoint#cancel}. */
	CompletableFuture<RequestEndpoint.Cancelled> cancel(String key, String caller) {
		if (isTerminated()) {
			return CompletableFuture.completedFuture(RequestEndpoint.Cancelled.NOT_FOUND);
		}
		Cancellation cancellation = new Cancellation(key, caller, new CompletableFuture<>());
		this.cancellations.add(cancellation);
		wakeup();
		if (isClosing() && this.cancellations.remove(cancellation)) {
			// Queued after close() took what was queued: taken back and answered here.
			cancellation.outcome().complete(RequestEndpoint.Cancelled.NOT_FOUND);
		}
		return cancellation.outcome();
	}

	@Override
	protected void open(SocketPoller poller) {
		this.router = this.sockets.server(SocketType.ROUTER, this.settings.name());
		// Mandatory routing: a reply that cannot be delivered (peer gone, peer not reading)
		// is reported instead of silently dropped, so it can be counted.
		this.router.setRouterMandatory(true);
		this.router.setSndHWM(REPLIES_QUEUED_PER_PEER);
		this.router.bind(this.settings.bind());
		this.bound.accept(this.router.getLastEndpoint());
		poller.register(this.router, SocketPoller.POLLIN);
	}

	@Override
	protected void onPoll(SocketPoller poller) {
		if (stopRequested() && !this.table.draining()) {
			this.table.beginDrain();
		}
		takeCompletions();
		// Not only when the poll saw input: the loop skips the poll while work is pending.
		receive();
		takeCompletions();
		takeCancellations();
		this.table.expire(System.nanoTime(), (entry) -> answerInPlaceOfHandler(entry, AgentError.TIMEOUT.code(),
				"the handler ran past its deadline of " + this.settings.requestTimeout().toMillis() + " ms"));
		if (this.forceRequested) {
			this.table.force((entry) -> answerInPlaceOfHandler(entry, "forced",
					"the agent stopped before the handler finished; retry on another instance"));
		}
		if (this.table.draining() && this.table.isEmpty()) {
			finish();
		}
	}

	@Override
	protected long pollTimeoutMillis() {
		long next = this.table.nextDeadlineNanos();
		if (next == Long.MAX_VALUE) {
			return -1;
		}
		return Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
	}

	/** Replies to send; requests waiting on the socket are the loop's own business (it asks the socket). */
	@Override
	protected boolean hasPendingWork() {
		return !this.completions.isEmpty();
	}

	@Override
	protected boolean finished() {
		return this.done;
	}

	@Override
	protected void close() {
		if (this.router != null) {
			// Linger flushes the last replies to peers that are still reading, and no longer.
			this.router.close();
		}
		this.handlers.shutdown();
		Cancellation left;
		while ((left = this.cancellations.poll()) != null) {
			left.outcome().complete(RequestEndpoint.Cancelled.NOT_FOUND);
		}
		this.closedNanos = System.nanoTime();
	}

	/** Answers whatever is still queued on the socket ({@code unavailable}) before it closes. */
	private void finish() {
		Envelope message;
		while ((message = Envelope.receive(this.router)) != null) {
			accept(message);
		}
		handOff();
		this.done = true;
	}

	/**
	 * Up to a batch, so that replies that are ready go out between batches (the loop comes
	 * back at once while the socket holds more); the requests for the handlers are handed
	 * over together, with one signal at most.
	 */
	private void receive() {
		for (int i = 0; i < RECEIVE_BATCH; i++) {
			Envelope message = Envelope.receive(this.router);
			if (message == null) {
				break;
			}
			accept(message);
		}
		handOff();
	}

	private void handOff() {
		this.handlers.handOff(this.handOff);
		this.handOff.clear();
	}

	private void accept(Envelope message) {
		long now = System.nanoTime();
		byte[] body = message.singleBody();
		if (body == null) {
			logger.warn("Endpoint '" + this.settings.name() + "' refused a request with 'bad_request': "
					+ "the request must be one frame (" + message.bodySize() + " bytes)");
			reply(message, this.dispatcher.replies().error(null, AgentError.BAD_REQUEST, "the request must be one frame"),
					RequestDispatcher.NO_ACTION, AgentError.BAD_REQUEST.code(), null, now);
			return;
		}
		long deadline = now + this.settings.requestTimeout().toNanos();
		ActionRequest parsed = null;
		RequestDispatcher.Peek peek;
		if (this.parseEverything) {
			parsed = parseHere(message, body, deadline, now);
			if (parsed == null) {
				return;
			}
			peek = RequestDispatcher.Peek.of(parsed);
		}
		else {
			// Once per request, and only its top level: the handler parses the rest.
			peek = this.dispatcher.peek(body);
			if (peek.badId()) {
				RequestDispatcher.Result refused = this.dispatcher.refuseBadId(peek, body.length);
				reply(message, refused.reply(), refused.action(), refused.outcome(), null, now);
				return;
			}
			if (this.actions.isInline(peek.action()) && body.length <= INLINE_PARSED_HERE) {
				// The body's one full parse, here instead of on the pool.
				parsed = parseHere(message, body, deadline, now);
				if (parsed == null) {
					return;
				}
			}
		}
		// Its action's attributes decide: where it runs, and whether the limits refuse it.
		EndpointActions.Action runsHere = (parsed != null) ? this.actions.find(parsed.action()) : null;
		boolean inline = runsHere != null && runsHere.inline();
		if (!inline || !runsHere.answeredWhenBusy()) {
			String busy = busy(body.length);
			if (busy != null) {
				refuseUnavailable(message, peek, busy, now);
				return;
			}
			this.refusing = false;
		}
		if (inline) {
			answerInline(message, parsed, now);
			return;
		}
		InflightTable.Entry entry = this.table.add(message, body, peek, parsed, now, deadline);
		this.handOff.add(() -> handle(entry));
	}

	/** The request parsed in full on this thread, or {@code null} when it was refused (and answered). */
	private ActionRequest parseHere(Envelope message, byte[] body, long deadline, long now) {
		Parsed parsed = this.dispatcher.parse(body, deadline, message.peer());
		if (parsed instanceof Parsed.Refused refused) {
			RequestDispatcher.Result refusal = refused.refusal();
			reply(message, refusal.reply(), refusal.action(), refusal.outcome(), null, now);
			return null;
		}
		return (parsed instanceof Parsed.Valid valid) ? valid.request() : null;
	}

	/** Why a new request of this size cannot be taken now, or {@code null} when it can. */
	private String busy(int size) {
		if (this.table.draining()) {
			return "the agent is draining; retry on another instance";
		}
		if (this.table.size() >= this.settings.maxInflight()) {
			return "too many requests in flight; retry later or on another instance";
		}
		if (this.table.bytes() + size > this.settings.maxInflightBytes()) {
			return "too many bytes of requests in flight (agent.endpoint.max-inflight-bytes); "
					+ "retry later or on another instance";
		}
		return null;
	}

	/** An inline action: run on this thread, answered at once, never in flight. */
	private void answerInline(Envelope message, ActionRequest action, long now) {
		long started = System.nanoTime();
		RequestDispatcher.Result result = this.dispatcher.dispatch(action);
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		if (tookMillis > RequestEndpoint.SLOW_INLINE_MILLIS && this.slowInline.add(action.action())) {
			logger.warn("Endpoint '" + this.settings.name() + "': the inline handler of action '" + action.action()
					+ "' ran " + tookMillis + " ms on the socket thread, holding up every other request; "
					+ "a handler that can block must run on the pool (@AgentAction without inline)");
		}
		reply(message, result.reply(), result.action(), result.outcome(), action.id(), now);
	}

	private void refuseUnavailable(Envelope message, RequestDispatcher.Peek peek, String why, long now) {
		if (this.table.draining()) {
			this.table.reject();
		}
		else if (!this.refusing) {
			this.refusing = true;
			logger.warn("Endpoint '" + this.settings.name() + "' refuses new requests with 'unavailable' until it is "
					+ "under its limits again (" + this.table.size() + " requests, " + this.table.bytes()
					+ " bytes in flight): " + why);
		}
		reply(message, this.dispatcher.replies().error(peek.id(), AgentError.UNAVAILABLE, why), peek.action(),
				AgentError.UNAVAILABLE.code(), peek.id(), now);
	}

	/** Runs on a handler thread. */
	private void handle(InflightTable.Entry entry) {
		if (entry.answered) {
			// Cancelled or timed out while queued: its body is let go unparsed.
			this.table.addBytes(-entry.body.length);
			return;
		}
		RequestDispatcher.Result result;
		try {
			result = run(entry);
		}
		catch (RuntimeException | Error ex) {
			// The dispatcher answers every failure itself; this is the last line of defence.
			logger.error("Endpoint '" + this.settings.name() + "' failed to dispatch a request", ex);
			result = new RequestDispatcher.Result(
					this.dispatcher.replies().error(null, AgentError.INTERNAL, "the agent failed to handle the request"),
					RequestDispatcher.NO_ACTION, AgentError.INTERNAL.code());
		}
		// The body is let go, the reply is held until the socket thread takes it.
		this.table.addBytes(result.reply().length - entry.body.length);
		this.completions.add(new Completion(entry.seq, result));
		wakeup();
	}

	/** Parses the request, unless the socket thread did, and runs its action. */
	private RequestDispatcher.Result run(InflightTable.Entry entry) {
		ActionRequest parsedHere = entry.request;
		if (parsedHere != null) {
			return this.dispatcher.dispatch(parsedHere);
		}
		return this.dispatcher.parse(entry.body, entry.deadlineNanos, entry.envelope.peer()).answer((request) -> {
			entry.request = request;
			return this.dispatcher.dispatch(request);
		});
	}

	private void takeCompletions() {
		Completion completion;
		while ((completion = this.completions.poll()) != null) {
			this.table.addBytes(-completion.result().reply().length);
			InflightTable.Entry entry = this.table.complete(completion.seq());
			if (entry != null) {
				RequestDispatcher.Result result = completion.result();
				reply(entry.envelope, result.reply(), result.action(), result.outcome(), entry.peek.id(),
						entry.receivedNanos);
			}
		}
	}

	private void takeCancellations() {
		Cancellation cancellation;
		while ((cancellation = this.cancellations.poll()) != null) {
			RequestEndpoint.Cancelled outcome = this.table.cancel(cancellation.key(), cancellation.caller(),
					(entry) -> reply(entry.envelope,
							this.dispatcher.replies().error(entry.peek.id(), AgentError.CANCELLED, "the request was cancelled"),
							entry.peek.action(), AgentError.CANCELLED.code(), entry.peek.id(), entry.receivedNanos));
			cancellation.outcome().complete(outcome);
		}
	}

	private void answerInPlaceOfHandler(InflightTable.Entry entry, String outcome, String message) {
		RequestDispatcher.Peek peek = entry.peek;
		reply(entry.envelope, this.dispatcher.replies().error(peek.id(), AgentError.TIMEOUT, message), peek.action(),
				outcome, peek.id(), entry.receivedNanos);
	}

	/**
	 * Sends a reply and counts it. A reply over {@code agent.zmq.max-message-size}, what the
	 * requester accepts, would make its socket drop the connection (ZMQ_MAXMSGSIZE): an
	 * {@code internal} error that fits goes in its place.
	 * @param id the request's id, for that error reply
	 */
	private void reply(Envelope envelope, byte[] reply, String action, String outcome, JsonNode id,
			long receivedNanos) {
		long limit = this.sockets.maxMessageSize();
		if (limit > 0 && reply.length > limit) {
			logger.warn("Endpoint '" + this.settings.name() + "' answered '" + AgentError.INTERNAL.code()
					+ "' in place of a reply of " + reply.length + " bytes to action '" + action
					+ "', over agent.zmq.max-message-size (" + limit + " bytes)");
			send(envelope, this.dispatcher.replies().error(id, AgentError.INTERNAL, "the reply was too large: "
					+ reply.length + " bytes, over the requester's limit of " + limit + " bytes"), action,
					AgentError.INTERNAL.code(), receivedNanos);
			return;
		}
		send(envelope, reply, action, outcome, receivedNanos);
	}

	private void send(Envelope envelope, byte[] reply, String action, String outcome, long receivedNanos) {
		if (!envelope.reply(this.router, reply)) {
			this.undeliverable.increment();
		}
		this.metrics.requests(this.settings.name(), action, outcome).increment();
		if (!RequestDispatcher.NO_ACTION.equals(action) && !RequestDispatcher.UNKNOWN_ACTION.equals(action)) {
			this.metrics.requestTimer(this.settings.name(), action)
				.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
		}
	}

	/** What a handler thread hands back to the socket thread. */
	private record Completion(long seq, RequestDispatcher.Result result) {
	}

	private record Cancellation(String key, String caller, CompletableFuture<RequestEndpoint.Cancelled> outcome) {
	}

}
