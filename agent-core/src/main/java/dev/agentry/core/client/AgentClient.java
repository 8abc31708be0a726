package dev.agentry.core.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.ErrorReply;
import dev.agentry.core.zmq.ZmqSockets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls other agents. Safe to use from many threads: calls are queued to one thread
 * ({@link ClientLoop}) that owns a DEALER socket per peer endpoint, except the synchronous
 * calls of agent-core's own threads (handlers, workers), which go on DEALER sockets of the
 * calling thread's own ({@link CallerSockets}, {@link Lane}). Each attempt has the
 * call's timeout; which failures move a call on to the next endpoint, and in which order the
 * endpoints are tried, is the {@link RetryPolicy}'s rule. Replies are matched to calls by an
 * envelope frame that the peer's ROUTER sends back, so request ids stay the caller's, and a
 * reply is accepted only from the peer that the call was sent to. A call never throws for a
 * peer's failure: it ends in the peer's reply or in an error reply ({@code timeout},
 * {@code unavailable}) written here. An endpoint that cannot be connected (a host name that
 * does not resolve yet) is {@code unavailable} for that attempt and tried again later.
 */
public final class AgentClient {

	private final String name;

	private final Supplier<List<String>> endpoints;

	private final ObjectMapper mapper;

	private final RetryPolicy policy;

	private final ClientLoop loop;

	private final Function<String, String> serverKeys;

	private final ZmqSockets sockets;

	private final Unconnectables unconnectable;

	private final WrongPeerReplies wrongPeer;

	/** Makes this client's lane on a thread that has none yet; one object, not one per call. */
	private final Supplier<Lane> newLane = this::lane;

	/** Calls in progress on their callers' own sockets, which the close waits for. */
	private final AtomicInteger laneCalls = new AtomicInteger();

	/**
	 * @param wrongPeerReply told (on the client's thread, so quickly) of every reply dropped
	 * because it came from another peer than the one its call went to
	 */
	AgentClient(String name, Supplier<List<String>> endpoints, Function<String, String> serverKeys, ZmqSockets sockets,
			ObjectMapper mapper, Runnable wrongPeerReply, Consumer<Throwable> onCrash) {
		this.name = name;
		this.endpoints = endpoints;
		this.mapper = mapper;
		this.policy = new RetryPolicy();
		this.serverKeys = serverKeys;
		this.sockets = sockets;
		this.wrongPeer = new WrongPeerReplies(name, wrongPeerReply);
		this.unconnectable = new Unconnectables(name, this.policy.reconnectBackOff());
		this.loop = new ClientLoop(name, endpoints, connector(), this.unconnectable, sockets, mapper, this.policy,
				this.wrongPeer, onCrash);
	}

	public String name() {
		return this.name;
	}

	/** How many times the client's socket thread has polled so far. */
	long polls() {
		return this.loop.polls();
	}

	/**
	 * Calls and waits; the wait is bounded by the timeout of every attempt. On a thread of
	 * agent-core's own, the call goes on that thread's own sockets.
	 */
	public JsonNode call(ObjectNode request, Duration timeout) {
		if (this.loop.isClosing()) {
			CallerSockets.close(this);
		}
		else if (!Thread.currentThread().isInterrupted()) {
			// An interrupted thread would break a socket it blocks on: its call takes the loop's way.
			Lane lane = CallerSockets.lane(this, this.newLane);
			if (lane != null) {
				return callOn(lane, request, timeout);
			}
		}
		return callShared(request, timeout);
	}

	/**
	 * As {@link #call}, but always through the client's own thread and the sockets it shares
	 * among all callers, whichever thread calls: for calls that must find the connection
	 * that other calls keep up. The registry client's heartbeats (on a worker) and its
	 * deregister at step 0 (on the shutdown hook's thread) go this way, so that the deregister
	 * does not look the registry's name up and connect anew just when the registry may be
	 * going away itself.
	 */
	public JsonNode callShared(ObjectNode request, Duration timeout) {
		long bound = this.policy.callBound(timeout, this.endpoints.get().size()).toMillis();
		try {
			return callAsync(request, timeout).get(bound, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return errorReply(request, AgentError.TIMEOUT, "no reply within " + bound + " ms");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return errorReply(request, AgentError.UNAVAILABLE, "interrupted while waiting for a reply");
		}
		catch (ExecutionException ex) {
			return errorReply(request, AgentError.INTERNAL, "the call failed");
		}
	}

	/** Calls without waiting; the future always completes, at the latest after the last attempt's timeout. */
	public CompletableFuture<JsonNode> callAsync(ObjectNode request, Duration timeout) {
		return send(request, timeout, this.policy.order(this.endpoints.get()));
	}

	/** Calls one given endpoint, once, without retry elsewhere (a health poll of that very agent, say). */
	public CompletableFuture<JsonNode> callAt(String endpoint, ObjectNode request, Duration timeout) {
		return send(request, timeout, List.of(endpoint));
	}

	private CompletableFuture<JsonNode> send(ObjectNode request, Duration timeout, List<String> targets) {
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		if (targets.isEmpty()) {
			reply.complete(errorReply(request, AgentError.UNAVAILABLE, "no endpoint is known for " + this.name));
			return reply;
		}
		if (this.loop.isClosing()) {
			reply.complete(closed(request));
			return reply;
		}
		Call call = new Call(request, this.mapper.writeValueAsBytes(request), targets, timeout, reply);
		if (!this.loop.submit(call)) {
			reply.complete(closed(request));
		}
		return reply;
	}

	private JsonNode callOn(Lane lane, ObjectNode request, Duration timeout) {
		List<String> targets = this.policy.order(this.endpoints.get());
		if (targets.isEmpty()) {
			return errorReply(request, AgentError.UNAVAILABLE, "no endpoint is known for " + this.name);
		}
		this.laneCalls.incrementAndGet();
		try {
			// Looked at after the count: either the close waits for this call, or it sees the close.
			if (this.loop.isClosing()) {
				return closed(request);
			}
			return lane.call(new Call(request, this.mapper.writeValueAsBytes(request), targets, timeout, null));
		}
		finally {
			if (this.loop.isClosing()) {
				// The owner closes its sockets now, before the close that waits for this call goes on.
				CallerSockets.close(this);
			}
			this.laneCalls.decrementAndGet();
		}
	}

	private Lane lane() {
		return new Lane(this.name, this.endpoints, connector(), this.unconnectable, this.mapper, this.policy,
				this.wrongPeer, this.loop::isClosing);
	}

	/** The connector of one owner of sockets: the loop, or one caller's lane. */
	private PeerConnector connector() {
		return new PeerConnector(this.name, this.serverKeys, this.sockets, this.unconnectable);
	}

	void start() {
		this.loop.start(Duration.ofSeconds(10));
	}

	/**
	 * Closes the loop, and waits for the calls in progress on callers' own sockets, which see
	 * the close within {@link Lane#SLICE_NANOS} and close those sockets on their own threads.
	 */
	boolean stop(Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		this.loop.requestStop();
		boolean closed = this.loop.awaitTermination(timeout);
		while (this.laneCalls.get() > 0 && end - System.nanoTime() > 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		return closed && this.laneCalls.get() == 0;
	}

	boolean isRunning() {
		return this.loop.isStarted() && !this.loop.isTerminated();
	}

	private JsonNode closed(ObjectNode request) {
		return errorReply(request, AgentError.UNAVAILABLE, "the client " + this.name + " is closed");
	}

	private JsonNode errorReply(ObjectNode request, AgentError error, String message) {
		return ErrorReply.of(this.mapper, request.get("id"), error, message);
	}

}
