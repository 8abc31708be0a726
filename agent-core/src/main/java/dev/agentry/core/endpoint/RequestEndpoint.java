package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import dev.agentry.core.zmq.Envelope;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import io.micrometer.core.instrument.Counter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * A request endpoint: a ROUTER socket that speaks the agent's JSON protocol. One thread owns
 * the socket; handlers run on a bounded pool and hand their replies back through a queue and
 * a wake-up. It stops as step 1 of the shutdown: new requests are answered
 * {@code unavailable} at once, in-flight ones finish and their replies are flushed, up to the
 * drain timeout; whatever is left then is answered {@code timeout} and counted {@code forced}.
 * What peers can make it hold is bounded: requests in flight by count and by bytes
 * ({@code max-inflight}, {@code max-inflight-bytes}), replies queued per peer by the ROUTER's
 * send high-water mark, and each reply by the requester's {@code max-message-size}.
 */
public final class RequestEndpoint implements SmartLifecycle, DisposableBean {

	/** The name of the endpoint configured by {@code agent.endpoint}. */
	public static final String MAIN = "main";

	private static final Log logger = LogFactory.getLog(RequestEndpoint.class);

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

	/** A {@code health_check} up to this size is parsed and answered on the socket thread. */
	static final int HEALTH_CHECK_PARSED_HERE = 4096;

	/** An inline handler that runs longer than this holds up its endpoint: it is logged. */
	static final long SLOW_INLINE_MILLIS = 10;

	private final Settings settings;

	private final ZmqSockets sockets;

	private final AgentActions actions;

	private final RequestDispatcher dispatcher;

	private final AgentMetrics metrics;

	private final ShutdownRecorder recorder;

	/** The health answer, with the request's id echoed. */
	private final Function<JsonNode, byte[]> healthReply;

	private final Consumer<Throwable> onCrash;

	private final AtomicInteger inflightCount = new AtomicInteger();

	/**
	 * Bytes of request bodies that handlers have not finished with, plus bytes of replies that
	 * handlers have queued and the socket thread has not taken yet: what
	 * {@code max-inflight-bytes} bounds.
	 */
	private final AtomicLong inflightBytes = new AtomicLong();

	private final AtomicBoolean stopping = new AtomicBoolean();

	private final Queue<Runnable> stopCallbacks = new ConcurrentLinkedQueue<>();

	private volatile Loop loop;

	private volatile String boundEndpoint;

	/**
	 * @param name the endpoint's name in metrics, logs and {@link AgentAction#endpoint()}
	 * @param bind where the ROUTER binds, e.g. {@code tcp://*:5555}
	 * @param threads handler threads
	 * @param maxInflight above this, new requests are answered {@code unavailable}
	 * @param maxInflightBytes above this many bytes of requests in flight and replies queued,
	 * new requests are answered {@code unavailable}
	 * @param requestTimeout how long a handler may run before the endpoint answers {@code timeout}
	 * @param drainTimeout how long step 1 waits for in-flight requests
	 */
	public record Settings(String name, String bind, int threads, int maxInflight, long maxInflightBytes,
			Duration requestTimeout, Duration drainTimeout) {
	}

	public RequestEndpoint(Settings settings, ZmqSockets sockets, AgentActions actions, ObjectMapper mapper,
			AgentMetrics metrics, ShutdownRecorder recorder, Function<JsonNode, byte[]> healthReply, Consumer<Throwable> onCrash) {
		this.settings = settings;
		this.sockets = sockets;
		this.actions = actions;
		this.dispatcher = new RequestDispatcher(settings.name(), actions, mapper);
		this.metrics = metrics;
		this.recorder = recorder;
		this.healthReply = healthReply;
		this.onCrash = onCrash;
		metrics.inflight(settings.name(), this.inflightCount::get);
	}

	public String name() {
		return this.settings.name();
	}

	/** The address the socket is bound to (the real port when bound to port 0), once started. */
	public String boundEndpoint() {
		return this.boundEndpoint;
	}

	public int inflight() {
		return this.inflightCount.get();
	}

	/** Bytes of requests in flight and replies queued, as {@code max-inflight-bytes} counts them. */
	long inflightBytes() {
		return this.inflightBytes.get();
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
		Loop current = this.loop;
		String key = RequestDispatcher.Peek.keyOf(requestId);
		if (current == null || current.isTerminated() || key == null) {
			return CompletableFuture.completedFuture(Cancelled.NOT_FOUND);
		}
		Cancellation cancellation = new Cancellation(key, caller, new CompletableFuture<>());
		current.cancellations.add(cancellation);
		current.wakeup();
		if (current.isTerminated() && current.cancellations.remove(cancellation)) {
			cancellation.outcome().complete(Cancelled.NOT_FOUND);
		}
		return cancellation.outcome();
	}

	private record Cancellation(String key, String caller, CompletableFuture<Cancelled> outcome) {
	}

	@Override
	public synchronized void start() {
		if (this.loop != null) {
			return;
		}
		Loop started = new Loop();
		started.start(Duration.ofSeconds(30));
		this.loop = started;
		logger.info("Endpoint '" + name() + "' bound to " + this.boundEndpoint + " with actions "
				+ this.actions.actions(name()) + ", " + this.settings.threads() + " handler threads, max in flight "
				+ this.settings.maxInflight() + " requests and " + this.settings.maxInflightBytes() + " bytes");
	}

	@Override
	public void stop() {
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
		stop(done::countDown);
		try {
			done.await(this.settings.drainTimeout().plus(this.sockets.linger()).plusSeconds(5).toMillis(),
					TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop(Runnable callback) {
		Loop current = this.loop;
		if (current == null || current.isTerminated()) {
			callback.run();
			return;
		}
		this.stopCallbacks.add(callback);
		if (this.stopping.compareAndSet(false, true)) {
			logger.info("Shutdown step 1 (endpoints): endpoint '" + name() + "' drains " + this.inflightCount.get()
					+ " request(s) in flight, for up to " + this.settings.drainTimeout().toMillis() + " ms");
		}
		current.requestStop();
		if (current.isClosing()) {
			// The loop may have run its callbacks before this one was queued.
			runStopCallbacks();
		}
	}

	/** Waits until the endpoint has drained and closed its socket, or was never started. */
	public boolean awaitStopped(Duration timeout) {
		Loop current = this.loop;
		return current == null || current.awaitTermination(timeout);
	}

	@Override
	public void destroy() {
		// A context whose refresh failed is destroyed without being stopped.
		if (this.loop != null && !this.loop.isTerminated()) {
			stop();
		}
	}

	@Override
	public boolean isRunning() {
		Loop current = this.loop;
		return current != null && !current.isTerminated();
	}

	@Override
	public int getPhase() {
		return AgentPhases.ENDPOINTS;
	}

	private void runStopCallbacks() {
		Runnable callback;
		while ((callback = this.stopCallbacks.poll()) != null) {
			callback.run();
		}
	}

	private static final class Inflight {

		final long seq;

		final Envelope envelope;

		final byte[] body;

		/** Its id and action, read once when it arrived: every reply in the handler's place uses them. */
		final RequestDispatcher.Peek peek;

		final long receivedNanos;

		final long deadlineNanos;

		volatile ActionRequest request;

		/** Whom it is for, worked out when an interrupt first names it; read on the socket thread only. */
		String caller;

		boolean callerKnown;

		/** Set when the socket thread answered in the handler's place; a queued handler then skips it. */
		volatile boolean answered;

		Inflight(long seq, Envelope envelope, byte[] body, RequestDispatcher.Peek peek, long receivedNanos,
				long deadlineNanos) {
			this.seq = seq;
			this.envelope = envelope;
			this.body = body;
			this.peek = peek;
			this.receivedNanos = receivedNanos;
			this.deadlineNanos = deadlineNanos;
		}

	}

	private record Completion(long seq, RequestDispatcher.Result result) {
	}

	private final class Loop extends ZmqLoop {

		private final Map<Long, Inflight> inflight = new LinkedHashMap<>();

		/**
		 * The requests in flight by their id's string form, filled as they are accepted: an
		 * interrupt finds its requests at once instead of walking (and parsing) all of them.
		 */
		private final Map<String, Set<Inflight>> byId = new HashMap<>();

		private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

		final Queue<Cancellation> cancellations = new ConcurrentLinkedQueue<>();

		private final Counter undeliverable = metrics.undeliverableReplies(settings.name());

		private final ExecutorService handlers;

		private ZMQ.Socket router;

		private final boolean parseHere = actions.hasInline(settings.name());

		/** Inline actions already logged as slow: one WARN each, not one per request. */
		private final Set<String> slowInline = new HashSet<>();

		/** Whether it is refusing requests for load: one WARN when it starts, not one per request. */
		private boolean refusing;

		private long nextSeq;

		private boolean draining;

		private boolean done;

		private long drainStartNanos;

		private long drainDeadlineNanos;

		private int drained;

		private int forced;

		private int rejected;

		Loop() {
			super("agent-endpoint-" + settings.name(), sockets.context(), onCrash);
			ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 0L,
					TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
					daemonThreads("agent-" + settings.name() + "-handler-"));
			this.handlers = pool;
		}

		@Override
		protected void open(ZMQ.Poller poller) {
			this.router = sockets.server(SocketType.ROUTER, settings.name());
			// Mandatory routing: a reply that cannot be delivered (peer gone, peer not reading)
			// is reported instead of silently dropped, so it can be counted.
			this.router.setRouterMandatory(true);
			this.router.setSndHWM(REPLIES_QUEUED_PER_PEER);
			this.router.bind(settings.bind());
			boundEndpoint = this.router.getLastEndpoint();
			poller.register(this.router, ZMQ.Poller.POLLIN);
		}

		@Override
		protected void onPoll(ZMQ.Poller poller) {
			if (stopRequested() && !this.draining) {
				beginDrain();
			}
			takeCompletions();
			// Not only when the poll saw input: the loop skips the poll while work is pending.
			receive();
			takeCompletions();
			takeCancellations();
			expireDeadlines();
			if (this.draining) {
				if (this.inflight.isEmpty()) {
					finish();
				}
				else if (System.nanoTime() - this.drainDeadlineNanos >= 0) {
					forceRemaining();
					finish();
				}
			}
		}

		@Override
		protected long pollTimeoutMillis() {
			long next = Long.MAX_VALUE;
			if (!this.inflight.isEmpty()) {
				next = this.inflight.values().iterator().next().deadlineNanos;
			}
			if (this.draining) {
				next = Math.min(next, this.drainDeadlineNanos);
			}
			if (next == Long.MAX_VALUE) {
				return -1;
			}
			return Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
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
			if (this.draining) {
				Duration took = Duration.ofNanos(System.nanoTime() - this.drainStartNanos);
				StepOutcome outcome = (this.forced > 0) ? StepOutcome.TIMEOUT : StepOutcome.GRACEFUL;
				recorder.record(new StepRecord("endpoints", settings.name(), took, outcome, this.drained, this.forced,
						this.rejected));
				logger.info("Shutdown step 1 (endpoints): endpoint '" + settings.name() + "' done in " + took.toMillis()
						+ " ms (" + outcome.wireName() + "): drained " + this.drained + ", forced " + this.forced
						+ ", rejected " + this.rejected);
			}
			inflightCount.set(0);
			Cancellation left;
			while ((left = this.cancellations.poll()) != null) {
				left.outcome().complete(Cancelled.NOT_FOUND);
			}
			runStopCallbacks();
		}

		/** Answers whatever is still queued on the socket ({@code unavailable}) before it closes. */
		private void finish() {
			Envelope message;
			while ((message = Envelope.receive(this.router)) != null) {
				accept(message);
			}
			this.done = true;
		}

		private void beginDrain() {
			this.draining = true;
			this.drainStartNanos = System.nanoTime();
			this.drainDeadlineNanos = this.drainStartNanos + settings.drainTimeout().toNanos();
		}

		/** Up to a batch, so that replies that are ready go out between batches (more: hasPendingWork). */
		private void receive() {
			for (int i = 0; i < RECEIVE_BATCH; i++) {
				Envelope message = Envelope.receive(this.router);
				if (message == null) {
					return;
				}
				accept(message);
			}
		}

		@Override
		protected boolean hasPendingWork() {
			return !this.completions.isEmpty()
					|| (this.router != null && (this.router.getEvents() & ZMQ.Poller.POLLIN) != 0);
		}

		private void accept(Envelope message) {
			long now = System.nanoTime();
			byte[] body = message.singleBody();
			if (body == null) {
				logger.warn("Endpoint '" + settings.name() + "' refused a request with 'bad_request': "
						+ "the request must be one frame (" + message.bodySize() + " bytes)");
				reply(message, dispatcher.replies().error(null, AgentError.BAD_REQUEST, "the request must be one frame"),
						RequestDispatcher.NO_ACTION, AgentError.BAD_REQUEST.code(), null, now);
				return;
			}
			long deadline = now + settings.requestTimeout().toNanos();
			ActionRequest parsed = null;
			RequestDispatcher.Peek peek;
			if (this.parseHere) {
				// Some actions run here: the request must be parsed to know whether it is one.
				Object request = dispatcher.parse(body, deadline, message.peer());
				if (!(request instanceof ActionRequest action)) {
					RequestDispatcher.Result refused = (RequestDispatcher.Result) request;
					reply(message, refused.reply(), refused.action(), refused.outcome(), null, now);
					return;
				}
				parsed = action;
				peek = RequestDispatcher.Peek.of(action);
			}
			else {
				// Once per request, and only its top level: the handler parses the rest.
				peek = dispatcher.peek(body);
				if (peek.badId()) {
					RequestDispatcher.Result refused = dispatcher.refuseBadId(peek, body.length);
					reply(message, refused.reply(), refused.action(), refused.outcome(), null, now);
					return;
				}
			}
			if (peek.healthCheck() && (parsed != null || body.length <= HEALTH_CHECK_PARSED_HERE)) {
				// Answered here, so that a probe never queues behind busy handlers; parsed in full
				// like any request (strict input holds for it too), which a small body keeps cheap.
				// A large one goes to the pool like any request, not to hold up this thread.
				Object request = (parsed != null) ? parsed : dispatcher.parse(body, deadline, message.peer());
				if (request instanceof ActionRequest check) {
					reply(message, healthReply.apply(check.id()), AgentActions.HEALTH_CHECK, "ok", null, now);
				}
				else {
					RequestDispatcher.Result refused = (RequestDispatcher.Result) request;
					reply(message, refused.reply(), refused.action(), refused.outcome(), null, now);
				}
				return;
			}
			String busy = busy(body.length);
			if (busy != null) {
				refuseUnavailable(message, peek, busy, now);
				return;
			}
			this.refusing = false;
			if (parsed != null && actions.isInline(settings.name(), parsed.action())) {
				answerInline(message, parsed, now);
				return;
			}
			long seq = this.nextSeq++;
			Inflight request = new Inflight(seq, message, body, peek, now, deadline);
			request.request = parsed;
			inflightBytes.addAndGet(body.length);
			this.inflight.put(seq, request);
			String key = peek.key();
			if (key != null) {
				this.byId.computeIfAbsent(key, (id) -> new HashSet<>())
					.add(request);
			}
			inflightCount.set(this.inflight.size());
			this.handlers.execute(() -> handle(request));
		}

		/** Why a new request of this size cannot be taken now, or {@code null} when it can. */
		private String busy(int size) {
			if (this.draining) {
				return "the agent is draining; retry on another instance";
			}
			if (this.inflight.size() >= settings.maxInflight()) {
				return "too many requests in flight; retry later or on another instance";
			}
			if (inflightBytes.get() + size > settings.maxInflightBytes()) {
				return "too many bytes of requests in flight (agent.endpoint.max-inflight-bytes); "
						+ "retry later or on another instance";
			}
			return null;
		}

		/** Takes a request out of flight (and out of the id index). */
		private void remove(Inflight request) {
			this.inflight.remove(request.seq);
			String key = request.peek.key();
			Set<Inflight> same = (key != null) ? this.byId.get(key) : null;
			if (same != null && same.remove(request) && same.isEmpty()) {
				this.byId.remove(key);
			}
		}

		/** An inline action: run on this thread, answered at once, never in flight. */
		private void answerInline(Envelope message, ActionRequest action, long now) {
			long started = System.nanoTime();
			RequestDispatcher.Result result = dispatcher.dispatch(action);
			long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			if (tookMillis > SLOW_INLINE_MILLIS && this.slowInline.add(action.action())) {
				logger.warn("Endpoint '" + settings.name() + "': the inline handler of action '" + action.action()
						+ "' ran " + tookMillis + " ms on the socket thread, holding up every other request; "
						+ "a handler that can block must run on the pool (@AgentAction without inline)");
			}
			reply(message, result.reply(), result.action(), result.outcome(), action.id(), now);
		}

		private void refuseUnavailable(Envelope message, RequestDispatcher.Peek peek, String why, long now) {
			if (this.draining) {
				this.rejected++;
			}
			else if (!this.refusing) {
				this.refusing = true;
				logger.warn("Endpoint '" + settings.name() + "' refuses new requests with 'unavailable' until it is "
						+ "under its limits again (" + this.inflight.size() + " requests, " + inflightBytes.get()
						+ " bytes in flight): " + why);
			}
			reply(message, dispatcher.replies().error(peek.id(), AgentError.UNAVAILABLE, why), peek.action(),
					AgentError.UNAVAILABLE.code(), peek.id(), now);
		}

		/** Runs on a handler thread. */
		private void handle(Inflight request) {
			if (request.answered) {
				// Cancelled or timed out while queued: its body is let go unparsed.
				inflightBytes.addAndGet(-request.body.length);
				return;
			}
			RequestDispatcher.Result result;
			try {
				// Parsed already on the socket thread when the endpoint has inline actions.
				Object parsed = (request.request != null) ? request.request
						: dispatcher.parse(request.body, request.deadlineNanos, request.envelope.peer());
				if (parsed instanceof ActionRequest action) {
					request.request = action;
					// Answered on the socket thread as a rule; here only if its peek missed it.
					result = AgentActions.HEALTH_CHECK.equals(action.action())
							? new RequestDispatcher.Result(healthReply.apply(action.id()), AgentActions.HEALTH_CHECK, "ok")
							: dispatcher.dispatch(action);
				}
				else {
					result = (RequestDispatcher.Result) parsed;
				}
			}
			catch (RuntimeException | Error ex) {
				// The dispatcher answers every failure itself; this is the last line of defence.
				logger.error("Endpoint '" + settings.name() + "' failed to dispatch a request", ex);
				result = new RequestDispatcher.Result(
						dispatcher.replies().error(null, AgentError.INTERNAL, "the agent failed to handle the request"),
						RequestDispatcher.NO_ACTION, AgentError.INTERNAL.code());
			}
			// The body is let go, the reply is held until the socket thread takes it.
			inflightBytes.addAndGet(result.reply().length - request.body.length);
			this.completions.add(new Completion(request.seq, result));
			wakeup();
		}

		private void takeCompletions() {
			Completion completion;
			while ((completion = this.completions.poll()) != null) {
				inflightBytes.addAndGet(-completion.result().reply().length);
				Inflight request = this.inflight.get(completion.seq());
				if (request == null) {
					// Already answered in the handler's place (timeout, forced): the late result goes nowhere.
					continue;
				}
				remove(request);
				if (this.draining) {
					this.drained++;
				}
				RequestDispatcher.Result result = completion.result();
				reply(request.envelope, result.reply(), result.action(), result.outcome(), request.peek.id(),
						request.receivedNanos);
			}
			inflightCount.set(this.inflight.size());
		}

		/** One look-up per interrupt, whatever is in flight. */
		private void takeCancellations() {
			Cancellation cancellation;
			while ((cancellation = this.cancellations.poll()) != null) {
				Set<Inflight> matching = this.byId.get(cancellation.key());
				if (matching == null) {
					cancellation.outcome().complete(Cancelled.NOT_FOUND);
					continue;
				}
				List<Inflight> owned = new ArrayList<>();
				for (Inflight request : matching) {
					if (Objects.equals(callerOf(request), cancellation.caller())) {
						owned.add(request);
					}
				}
				for (Inflight request : owned) {
					remove(request);
					request.answered = true;
					if (this.draining) {
						this.drained++;
					}
					ActionRequest action = request.request;
					if (action != null) {
						action.cancel();
					}
					RequestDispatcher.Peek peek = request.peek;
					reply(request.envelope,
							dispatcher.replies().error(peek.id(), AgentError.CANCELLED, "the request was cancelled"),
							peek.action(), AgentError.CANCELLED.code(), peek.id(), request.receivedNanos);
				}
				inflightCount.set(this.inflight.size());
				cancellation.outcome().complete(owned.isEmpty() ? Cancelled.FORBIDDEN : Cancelled.CANCELLED);
			}
		}

		private String callerOf(Inflight request) {
			if (!request.callerKnown) {
				ActionRequest parsed = request.request;
				request.caller = (parsed != null) ? parsed.caller()
						: dispatcher.caller(request.body, request.envelope.peer());
				request.callerKnown = true;
			}
			return request.caller;
		}

		private void expireDeadlines() {
			long now = System.nanoTime();
			// In arrival order, which is deadline order: the first one not due ends the walk.
			while (!this.inflight.isEmpty()) {
				Inflight request = this.inflight.values().iterator().next();
				if (now - request.deadlineNanos < 0) {
					break;
				}
				remove(request);
				answerInPlaceOfHandler(request, AgentError.TIMEOUT.code(),
						"the handler ran past its deadline of " + settings.requestTimeout().toMillis() + " ms");
			}
			inflightCount.set(this.inflight.size());
		}

		private void forceRemaining() {
			for (Inflight request : this.inflight.values()) {
				this.forced++;
				answerInPlaceOfHandler(request, "forced",
						"the agent stopped before the handler finished; retry on another instance");
			}
			this.inflight.clear();
			this.byId.clear();
			inflightCount.set(0);
		}

		private void answerInPlaceOfHandler(Inflight request, String outcome, String message) {
			request.answered = true;
			ActionRequest action = request.request;
			if (action != null) {
				action.cancel();
			}
			RequestDispatcher.Peek peek = request.peek;
			reply(request.envelope, dispatcher.replies().error(peek.id(), AgentError.TIMEOUT, message), peek.action(),
					outcome, peek.id(), request.receivedNanos);
		}

		/**
		 * Sends a reply and counts it. A reply over {@code agent.zmq.max-message-size}, what the
		 * requester accepts, would make its socket drop the connection (ZMQ_MAXMSGSIZE): an
		 * {@code internal} error that fits goes in its place.
		 * @param id the request's id, for that error reply
		 */
		private void reply(Envelope envelope, byte[] reply, String action, String outcome, JsonNode id,
				long receivedNanos) {
			long limit = sockets.maxMessageSize();
			if (limit > 0 && reply.length > limit) {
				logger.warn("Endpoint '" + settings.name() + "' answered '" + AgentError.INTERNAL.code()
						+ "' in place of a reply of " + reply.length + " bytes to action '" + action
						+ "', over agent.zmq.max-message-size (" + limit + " bytes)");
				send(envelope, dispatcher.replies().error(id, AgentError.INTERNAL, "the reply was too large: "
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
			metrics.requests(settings.name(), action, outcome).increment();
			if (!RequestDispatcher.NO_ACTION.equals(action) && !RequestDispatcher.UNKNOWN_ACTION.equals(action)) {
				metrics.requestTimer(settings.name(), action)
					.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
			}
		}

	}

	static CustomizableThreadFactory daemonThreads(String prefix) {
		CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
		// Daemon: a handler that never returns must not keep the JVM alive after the drain gave up on it.
		factory.setDaemon(true);
		return factory;
	}

}
