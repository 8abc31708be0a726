package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import dev.agentry.core.zmq.Envelope;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
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
 */
public final class RequestEndpoint implements SmartLifecycle, DisposableBean {

	/** The name of the endpoint configured by {@code agent.endpoint}. */
	public static final String MAIN = "main";

	private static final Log logger = LogFactory.getLog(RequestEndpoint.class);

	private static final int RECEIVE_BATCH = 256;

	/** An inline handler that runs longer than this holds up its endpoint: it is logged. */
	static final long SLOW_INLINE_MILLIS = 10;

	private final Settings settings;

	private final ZmqSockets sockets;

	private final AgentActions actions;

	private final RequestDispatcher dispatcher;

	private final AgentMetrics metrics;

	private final ShutdownRecorder recorder;

	private final Supplier<byte[]> healthReply;

	private final Consumer<Throwable> onCrash;

	private final AtomicInteger inflightCount = new AtomicInteger();

	private final AtomicBoolean stopping = new AtomicBoolean();

	private final Queue<Runnable> stopCallbacks = new ConcurrentLinkedQueue<>();

	private volatile Loop loop;

	private volatile String boundEndpoint;

	/**
	 * @param name the endpoint's name in metrics, logs and {@link AgentAction#endpoint()}
	 * @param bind where the ROUTER binds, e.g. {@code tcp://*:5555}
	 * @param threads handler threads
	 * @param maxInflight above this, new requests are answered {@code unavailable}
	 * @param requestTimeout how long a handler may run before the endpoint answers {@code timeout}
	 * @param drainTimeout how long step 1 waits for in-flight requests
	 */
	public record Settings(String name, String bind, int threads, int maxInflight, Duration requestTimeout,
			Duration drainTimeout) {
	}

	public RequestEndpoint(Settings settings, ZmqSockets sockets, AgentActions actions, ObjectMapper mapper,
			AgentMetrics metrics, ShutdownRecorder recorder, Supplier<byte[]> healthReply, Consumer<Throwable> onCrash) {
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

	/**
	 * Cancels the requests in flight whose {@code id} is {@code requestId}: each is answered
	 * {@code cancelled} at once and its handler sees {@link ActionRequest#isCancelled()}.
	 * Safe from any thread; a request that is not (or no longer) in flight is left alone.
	 */
	public void cancel(String requestId) {
		Loop current = this.loop;
		if (current != null && !current.isTerminated() && requestId != null) {
			current.cancellations.add(requestId);
			current.wakeup();
		}
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
				+ this.settings.maxInflight());
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

		final Envelope envelope;

		final byte[] body;

		final long receivedNanos;

		final long deadlineNanos;

		volatile ActionRequest request;

		/** Set when the socket thread answered in the handler's place; a queued handler then skips it. */
		volatile boolean answered;

		Inflight(Envelope envelope, byte[] body, long receivedNanos, long deadlineNanos) {
			this.envelope = envelope;
			this.body = body;
			this.receivedNanos = receivedNanos;
			this.deadlineNanos = deadlineNanos;
		}

	}

	private record Completion(long seq, RequestDispatcher.Result result) {
	}

	private final class Loop extends ZmqLoop {

		private final Map<Long, Inflight> inflight = new LinkedHashMap<>();

		private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

		final Queue<String> cancellations = new ConcurrentLinkedQueue<>();

		private final Map<String, Counter> counters = new HashMap<>();

		private final Map<String, Timer> timers = new HashMap<>();

		private final Counter undeliverable = metrics.undeliverableReplies(settings.name());

		private final ExecutorService handlers;

		private ZMQ.Socket router;

		private final boolean parseHere = actions.hasInline(settings.name());

		/** Inline actions already logged as slow: one WARN each, not one per request. */
		private final Set<String> slowInline = new HashSet<>();

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
			this.router = sockets.create(SocketType.ROUTER, settings.name());
			// Mandatory routing: a reply that cannot be delivered (peer gone, peer not reading)
			// is reported instead of silently dropped, so it can be counted.
			this.router.setRouterMandatory(true);
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
						RequestDispatcher.NO_ACTION, AgentError.BAD_REQUEST.code(), now);
				return;
			}
			if (this.draining || this.inflight.size() >= settings.maxInflight()) {
				refuseUnavailable(message, body, now);
				return;
			}
			long deadline = now + settings.requestTimeout().toNanos();
			ActionRequest parsed = null;
			if (this.parseHere) {
				// Some actions run here: the request must be parsed to know whether it is one.
				Object request = dispatcher.parse(body, deadline);
				if (!(request instanceof ActionRequest action)) {
					RequestDispatcher.Result refused = (RequestDispatcher.Result) request;
					reply(message, refused.reply(), refused.action(), refused.outcome(), now);
					return;
				}
				if (actions.isInline(settings.name(), action.action())) {
					answerInline(message, action, now);
					return;
				}
				parsed = action;
			}
			long seq = this.nextSeq++;
			Inflight request = new Inflight(message, body, now, deadline);
			request.request = parsed;
			this.inflight.put(seq, request);
			inflightCount.set(this.inflight.size());
			this.handlers.execute(() -> handle(seq, request));
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
			reply(message, result.reply(), result.action(), result.outcome(), now);
		}

		private void refuseUnavailable(Envelope message, byte[] body, long now) {
			Replies.Peek peek = dispatcher.replies().peek(body, actions, settings.name());
			if (peek.healthCheck()) {
				reply(message, healthReply.get(), AgentActions.HEALTH_CHECK, "ok", now);
				return;
			}
			if (this.draining) {
				this.rejected++;
			}
			String why = this.draining ? "the agent is draining; retry on another instance"
					: "too many requests in flight; retry later or on another instance";
			reply(message, dispatcher.replies().error(peek.id(), AgentError.UNAVAILABLE, why), peek.action(),
					AgentError.UNAVAILABLE.code(), now);
		}

		/** Runs on a handler thread. */
		private void handle(long seq, Inflight request) {
			if (request.answered) {
				return;
			}
			RequestDispatcher.Result result;
			try {
				// Parsed already on the socket thread when the endpoint has inline actions.
				Object parsed = (request.request != null) ? request.request
						: dispatcher.parse(request.body, request.deadlineNanos);
				if (parsed instanceof ActionRequest action) {
					request.request = action;
					result = AgentActions.HEALTH_CHECK.equals(action.action())
							? new RequestDispatcher.Result(healthReply.get(), AgentActions.HEALTH_CHECK, "ok")
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
			this.completions.add(new Completion(seq, result));
			wakeup();
		}

		private void takeCompletions() {
			Completion completion;
			while ((completion = this.completions.poll()) != null) {
				Inflight request = this.inflight.remove(completion.seq());
				if (request == null) {
					// Already answered in the handler's place (timeout, forced): the late result goes nowhere.
					continue;
				}
				if (this.draining) {
					this.drained++;
				}
				RequestDispatcher.Result result = completion.result();
				reply(request.envelope, result.reply(), result.action(), result.outcome(), request.receivedNanos);
			}
			inflightCount.set(this.inflight.size());
		}

		private void takeCancellations() {
			String requestId;
			while ((requestId = this.cancellations.poll()) != null) {
				Iterator<Inflight> requests = this.inflight.values().iterator();
				while (requests.hasNext()) {
					Inflight request = requests.next();
					ActionRequest parsed = request.request;
					// Most requests were parsed by their handler already; only the others are parsed here.
					if (parsed != null && (parsed.id() == null || !requestId.equals(parsed.id().asString(null)))) {
						continue;
					}
					Replies.Peek peek = dispatcher.replies().peek(request.body, actions, settings.name());
					if (peek.id() != null && requestId.equals(peek.id().asString(null))) {
						requests.remove();
						request.answered = true;
						if (this.draining) {
							this.drained++;
						}
						ActionRequest action = request.request;
						if (action != null) {
							action.cancel();
						}
						reply(request.envelope, dispatcher.replies().error(peek.id(), AgentError.CANCELLED,
								"the request was cancelled"), peek.action(), AgentError.CANCELLED.code(),
								request.receivedNanos);
					}
				}
			}
			inflightCount.set(this.inflight.size());
		}

		private void expireDeadlines() {
			long now = System.nanoTime();
			Iterator<Inflight> oldest = this.inflight.values().iterator();
			while (oldest.hasNext()) {
				Inflight request = oldest.next();
				if (now - request.deadlineNanos < 0) {
					break;
				}
				oldest.remove();
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
			inflightCount.set(0);
		}

		private void answerInPlaceOfHandler(Inflight request, String outcome, String message) {
			request.answered = true;
			ActionRequest action = request.request;
			if (action != null) {
				action.cancel();
			}
			Replies.Peek peek = dispatcher.replies().peek(request.body, actions, settings.name());
			reply(request.envelope, dispatcher.replies().error(peek.id(), AgentError.TIMEOUT, message), peek.action(),
					outcome, request.receivedNanos);
		}

		private void reply(Envelope envelope, byte[] reply, String action, String outcome, long receivedNanos) {
			if (!envelope.reply(this.router, reply)) {
				this.undeliverable.increment();
			}
			this.counters.computeIfAbsent(action + '\u0000' + outcome,
					(key) -> metrics.requests(settings.name(), action, outcome)).increment();
			if (!RequestDispatcher.NO_ACTION.equals(action) && !RequestDispatcher.UNKNOWN_ACTION.equals(action)) {
				this.timers.computeIfAbsent(action, (key) -> metrics.requestTimer(settings.name(), action))
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
