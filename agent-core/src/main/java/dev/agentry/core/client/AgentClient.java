package dev.agentry.core.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.agentry.core.endpoint.AgentError;
import dev.agentry.core.endpoint.ErrorReply;
import dev.agentry.core.zmq.ResolveBackOff;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls other agents. Safe to use from many threads: calls are queued to one thread that owns
 * a DEALER socket per peer endpoint. Each attempt has the call's timeout; a reply
 * {@code unavailable}, a timeout or a peer that cannot take the request is retried on the
 * next endpoint that {@code endpoints} lists, once per endpoint. Replies are matched to calls
 * by an envelope frame that the peer's ROUTER sends back, so request ids stay the caller's.
 * A call never throws for a peer's failure: it ends in the peer's reply or in an error reply
 * ({@code timeout}, {@code unavailable}) written here. An endpoint that cannot be connected
 * (a host name that does not resolve yet) is {@code unavailable} for that attempt and tried
 * again by the next one.
 */
public final class AgentClient {

	private static final Log logger = LogFactory.getLog(AgentClient.class);

	/** How long a new connection may take before a request queued for it moves on. */
	private static final Duration CONNECT_GRACE = Duration.ofSeconds(1);

	private static final long PRUNE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final long CONNECT_GRACE_NANOS = CONNECT_GRACE.toNanos();

	private final String name;

	private final Supplier<List<String>> endpoints;

	private final ZmqSockets sockets;

	private final ObjectMapper mapper;

	private final AtomicInteger nextEndpoint = new AtomicInteger();

	private final Loop loop;

	AgentClient(String name, Supplier<List<String>> endpoints, ZmqSockets sockets, ObjectMapper mapper,
			Consumer<Throwable> onCrash) {
		this.name = name;
		this.endpoints = endpoints;
		this.sockets = sockets;
		this.mapper = mapper;
		this.loop = new Loop(onCrash);
	}

	public String name() {
		return this.name;
	}

	/** Calls and waits; the wait is bounded by the timeout of every attempt. */
	public JsonNode call(ObjectNode request, Duration timeout) {
		int attempts = Math.max(1, this.endpoints.get().size());
		long bound = timeout.multipliedBy(attempts).plus(CONNECT_GRACE.multipliedBy(attempts)).plusSeconds(1).toMillis();
		try {
			return callAsync(request, timeout).get(bound, TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.TimeoutException ex) {
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
		return send(request, timeout, order(this.endpoints.get()));
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
			reply.complete(errorReply(request, AgentError.UNAVAILABLE, "the client " + this.name + " is closed"));
			return reply;
		}
		byte[] body = this.mapper.writeValueAsBytes(request);
		Call call = new Call(request, body, targets, timeout.toNanos(), reply);
		this.loop.calls.add(call);
		this.loop.wakeup();
		if (this.loop.isClosing() && this.loop.calls.remove(call)) {
			// The loop closed between the check above and the add: nobody else will answer it.
			reply.complete(errorReply(request, AgentError.UNAVAILABLE, "the client " + this.name + " is closed"));
		}
		return reply;
	}

	void start() {
		this.loop.start(Duration.ofSeconds(10));
	}

	boolean stop(Duration timeout) {
		this.loop.requestStop();
		return this.loop.awaitTermination(timeout);
	}

	boolean isRunning() {
		return this.loop.isStarted() && !this.loop.isTerminated();
	}

	private List<String> order(List<String> known) {
		if (known == null || known.isEmpty()) {
			return List.of();
		}
		int first = Math.floorMod(this.nextEndpoint.getAndIncrement(), known.size());
		List<String> ordered = new ArrayList<>(known.size());
		for (int i = 0; i < known.size(); i++) {
			ordered.add(known.get((first + i) % known.size()));
		}
		return ordered;
	}

	private JsonNode errorReply(ObjectNode request, AgentError error, String message) {
		return ErrorReply.of(this.mapper, request.get("id"), error, message);
	}

	/**
	 * Completes a call off the socket thread: the caller's continuations must never run on
	 * (and block) the thread that owns the sockets.
	 */
	private static void deliver(Call call, JsonNode reply) {
		call.reply.completeAsync(() -> reply);
	}

	private static final class Call {

		final ObjectNode request;

		final byte[] body;

		final List<String> targets;

		final long attemptNanos;

		final CompletableFuture<JsonNode> reply;

		int attempt = -1;

		long deadline;

		long queuedSince;

		boolean sent;

		Call(ObjectNode request, byte[] body, List<String> targets, long attemptNanos,
				CompletableFuture<JsonNode> reply) {
			this.request = request;
			this.body = body;
			this.targets = targets;
			this.attemptNanos = attemptNanos;
			this.reply = reply;
		}

		String target() {
			return this.targets.get(this.attempt);
		}

	}

	private final class Loop extends ZmqLoop {

		final Queue<Call> calls = new ConcurrentLinkedQueue<>();

		private final Map<String, Peer> peers = new HashMap<>();

		private final Map<Long, Call> pending = new HashMap<>();

		private final List<Call> unsent = new ArrayList<>();

		/** When each peer last carried a call, to close the ones that left the endpoint list. */
		private final Map<String, Long> lastUsed = new HashMap<>();

		private long nextPruneNanos = System.nanoTime() + PRUNE_INTERVAL_NANOS;

		private final List<Peer> readable = new ArrayList<>();

		/**
		 * Endpoints whose last connect failed: told once at WARN, not once per call, tried
		 * again only after a back-off (each try looks the name up on this thread, which also
		 * carries every other call's replies), and forgotten when a connect succeeds.
		 */
		private final Map<String, Unconnectable> unconnectable = new HashMap<>();

		/** Peers whose connection dropped, reported by JeroMQ's I/O thread. */
		private final Queue<String> disconnected = new ConcurrentLinkedQueue<>();

		private ZMQ.Poller poller;

		private long nextCorrelation;

		Loop(Consumer<Throwable> onCrash) {
			super("agent-client-" + name, sockets.context(), onCrash);
		}

		@Override
		protected void open(ZMQ.Poller poller) {
			this.poller = poller;
		}

		@Override
		protected void onPoll(ZMQ.Poller poller) {
			// The readable peers first, then their replies: a reply can move a call on to an
			// endpoint connected only now, which adds to the peers while they are walked.
			this.readable.clear();
			for (Peer peer : this.peers.values()) {
				if (poller.pollin(peer.index)) {
					this.readable.add(peer);
				}
			}
			for (Peer peer : this.readable) {
				receive(peer);
			}
			Call call;
			while ((call = this.calls.poll()) != null) {
				// Connect to every endpoint the call may move on to now, so that a failover
				// finds its connection already up instead of waiting for a handshake then. One
				// that failed to connect is tried again only when the call reaches it.
				call.targets.stream().filter((target) -> !this.unconnectable.containsKey(target)).forEach(this::peer);
				call.attempt = 0;
				send(call);
			}
			retryUnsent();
			retryDisconnected();
			expire();
			pruneIdlePeers();
		}

		/**
		 * Closes the sockets of peers that are no longer listed and have carried nothing for a
		 * while: a coordinator sees every rolled worker come and go, and must not keep a
		 * reconnecting socket for each one forever.
		 */
		private void pruneIdlePeers() {
			long now = System.nanoTime();
			if (now - this.nextPruneNanos < 0) {
				return;
			}
			this.nextPruneNanos = now + PRUNE_INTERVAL_NANOS;
			List<String> listed = endpoints.get();
			Set<String> busy = new HashSet<>();
			this.pending.values().forEach((call) -> busy.add(call.target()));
			this.unsent.forEach((call) -> busy.add(call.target()));
			boolean pruned = this.peers.entrySet().removeIf((entry) -> {
				String endpoint = entry.getKey();
				boolean idle = now - this.lastUsed.getOrDefault(endpoint, 0L) > PRUNE_INTERVAL_NANOS;
				if (idle && !busy.contains(endpoint) && (listed == null || !listed.contains(endpoint))) {
					this.poller.unregister(entry.getValue().socket());
					entry.getValue().socket().close();
					this.lastUsed.remove(endpoint);
					return true;
				}
				return false;
			});
			if (pruned) {
				// JeroMQ's poller closes the gap an unregistered socket leaves: indices move.
				this.peers.replaceAll((endpoint, peer) -> new Peer(peer.socket(), indexOf(peer.socket()), peer.createdAt(), peer.ready()));
			}
		}

		private int indexOf(ZMQ.Socket socket) {
			for (int i = 0; i < this.poller.getSize(); i++) {
				if (this.poller.getSocket(i) == socket) {
					return i;
				}
			}
			throw new IllegalStateException("A peer socket is missing from the poller");
		}

		@Override
		protected long pollTimeoutMillis() {
			if (!this.unsent.isEmpty()) {
				return 10;
			}
			long next = Long.MAX_VALUE;
			for (Call call : this.pending.values()) {
				next = Math.min(next, call.deadline);
			}
			return (next == Long.MAX_VALUE) ? -1
					: Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
		}

		@Override
		protected boolean finished() {
			return stopRequested();
		}

		@Override
		protected void close() {
			Call call;
			while ((call = this.calls.poll()) != null) {
				this.unsent.add(call);
			}
			this.unsent.forEach((left) -> deliver(left,
					errorReply(left.request, AgentError.UNAVAILABLE, "the client " + name + " closed")));
			this.pending.values()
				.forEach((left) -> deliver(left,
						errorReply(left.request, AgentError.UNAVAILABLE, "the client " + name + " closed")));
			this.peers.values().forEach((peer) -> peer.socket.close());
		}

		private void send(Call call) {
			long now = System.nanoTime();
			call.deadline = now + call.attemptNanos;
			call.queuedSince = now;
			if (peer(call.target()) == null) {
				next(call, AgentError.UNAVAILABLE, "cannot connect to " + call.target() + ": "
						+ this.unconnectable.get(call.target()).reason());
				return;
			}
			if (!trySend(call)) {
				this.unsent.add(call);
			}
		}

		/** The peer of an endpoint, connected now if it is new; {@code null} if that connect failed. */
		private Peer peer(String endpoint) {
			Peer peer = this.peers.get(endpoint);
			if (peer != null) {
				return peer;
			}
			Unconnectable failed = this.unconnectable.get(endpoint);
			if (failed != null && System.nanoTime() - failed.retryAt() < 0) {
				return null;
			}
			peer = connect(endpoint);
			if (peer != null) {
				this.peers.put(endpoint, peer);
			}
			return peer;
		}

		private boolean trySend(Call call) {
			// send() connected it, and pruning spares the peers of calls that wait to be sent.
			Peer peer = this.peers.get(call.target());
			this.lastUsed.put(call.target(), System.nanoTime());
			// Only on a connection that has completed its handshake: JeroMQ attaches a new
			// connection before its handshake and loses what was queued on it if the handshake
			// stalls (jeromq #1022); a request waits for the connection instead.
			if (!peer.ready().get()) {
				return false;
			}
			long correlation = this.nextCorrelation++;
			byte[] frame = ByteBuffer.allocate(Long.BYTES).putLong(correlation).array();
			// ZeroMQ refuses the request unless a connection is up, instead of queueing it for a
			// peer that may be gone and delivering it late.
			if (!peer.socket.send(frame, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
				return false;
			}
			peer.socket.send(new byte[0], ZMQ.SNDMORE);
			peer.socket.send(call.body, 0);
			call.sent = true;
			this.pending.put(correlation, call);
			return true;
		}

		private void retryUnsent() {
			long now = System.nanoTime();
			Iterator<Call> calls = this.unsent.iterator();
			List<Call> moved = new ArrayList<>();
			while (calls.hasNext()) {
				Call call = calls.next();
				Peer peer = this.peers.get(call.target());
				if (trySend(call)) {
					calls.remove();
				}
				else if ((now - peer.createdAt > CONNECT_GRACE_NANOS && hasNext(call)) || now - call.deadline >= 0) {
					// With another endpoint to try, a connection that is not up after the grace is
					// given up; with none, the call keeps waiting for it until its deadline.
					calls.remove();
					moved.add(call);
				}
			}
			moved.forEach((call) -> next(call, AgentError.UNAVAILABLE, "no connection to " + call.target()));
		}

		/**
		 * A request waiting on a peer whose connection dropped will get no reply: the peer
		 * drained what it had before it closed, so whatever is still pending was lost on the
		 * way. It moves on to the next endpoint now rather than after its timeout.
		 */
		private void retryDisconnected() {
			String endpoint;
			while ((endpoint = this.disconnected.poll()) != null) {
				String gone = endpoint;
				List<Long> lost = new ArrayList<>();
				this.pending.forEach((correlation, call) -> {
					if (call.target().equals(gone)) {
						lost.add(correlation);
					}
				});
				long now = System.nanoTime();
				for (Long correlation : lost) {
					Call call = this.pending.remove(correlation);
					if (!hasNext(call) && now - call.deadline < 0) {
						// The only endpoint: ZeroMQ reconnects, and the request goes again once the
						// new connection is up, within the same deadline.
						this.unsent.add(call);
					}
					else {
						next(call, AgentError.UNAVAILABLE, "the connection to " + gone + " dropped");
					}
				}
			}
		}

		private void receive(Peer peer) {
			while (true) {
				byte[] correlation = peer.socket.recv(ZMQ.DONTWAIT);
				if (correlation == null) {
					return;
				}
				List<byte[]> rest = new ArrayList<>(2);
				while (peer.socket.hasReceiveMore()) {
					rest.add(peer.socket.recv(0));
				}
				if (correlation.length != Long.BYTES || rest.size() != 2) {
					continue;
				}
				Call call = this.pending.remove(ByteBuffer.wrap(correlation).getLong());
				if (call != null) {
					complete(call, rest.get(1));
				}
			}
		}

		private void complete(Call call, byte[] replyBytes) {
			JsonNode reply;
			try {
				reply = mapper.readTree(replyBytes);
			}
			catch (JacksonException ex) {
				reply = null;
			}
			if (reply == null || !reply.isObject()) {
				deliver(call, errorReply(call.request, AgentError.INTERNAL,
						"the reply of " + call.target() + " was not a JSON object"));
				return;
			}
			AgentError error = AgentError.fromCode(reply.path("error").asString(""));
			// unavailable (draining, overloaded) and timeout (a handler past its deadline, or
			// cut short by the peer's drain) are worth another instance; the others are not.
			if ((error == AgentError.UNAVAILABLE || error == AgentError.TIMEOUT) && hasNext(call)) {
				next(call, error, reply.path("message").asString(""));
				return;
			}
			deliver(call, reply);
		}

		private void expire() {
			long now = System.nanoTime();
			List<Long> expired = new ArrayList<>();
			this.pending.forEach((correlation, call) -> {
				if (now - call.deadline >= 0) {
					expired.add(correlation);
				}
			});
			for (Long correlation : expired) {
				Call call = this.pending.remove(correlation);
				next(call, AgentError.TIMEOUT, "no reply from " + call.target() + " within "
						+ TimeUnit.NANOSECONDS.toMillis(call.attemptNanos) + " ms");
			}
		}

		private boolean hasNext(Call call) {
			return call.attempt + 1 < call.targets.size();
		}

		private void next(Call call, AgentError error, String message) {
			if (!hasNext(call)) {
				deliver(call, errorReply(call.request, error, message));
				return;
			}
			call.attempt++;
			send(call);
		}

		private Peer connect(String endpoint) {
			AtomicBoolean ready = new AtomicBoolean();
			ZMQ.Socket socket = sockets.create(SocketType.DEALER, "client-" + name, new ZmqSockets.ConnectionListener() {

				@Override
				public void ready() {
					ready.set(true);
					wakeup();
				}

				@Override
				public void dropped() {
					ready.set(false);
					Loop.this.disconnected.add(endpoint);
					wakeup();
				}

			});
			// JeroMQ 0.6 inverts libzmq's ZMQ_IMMEDIATE: false is what keeps requests off
			// connections that are not up yet (jeromq #448).
			socket.setImmediate(false);
			try {
				socket.connect(endpoint);
			}
			catch (ZMQException | IllegalArgumentException ex) {
				// Unlike libzmq, JeroMQ resolves the host inside connect() and throws when it does
				// not resolve, which a peer's DNS name does for a moment after a Service or
				// container appears. The socket was never registered: closed here, by its owner.
				socket.close();
				unconnectable(endpoint, ex);
				return null;
			}
			if (this.unconnectable.remove(endpoint) != null) {
				logger.info("Agent client '" + name + "' connected to " + endpoint + ", which it could not before");
			}
			int index = this.poller.register(socket, ZMQ.Poller.POLLIN);
			return new Peer(socket, index, System.nanoTime(), ready);
		}

		private void unconnectable(String endpoint, RuntimeException ex) {
			String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
			Unconnectable last = this.unconnectable.get(endpoint);
			Duration backOff = (last != null) ? ResolveBackOff.after(last.backOff()) : ResolveBackOff.FIRST;
			this.unconnectable.put(endpoint, new Unconnectable(reason, backOff, System.nanoTime() + backOff.toNanos()));
			if (last == null) {
				logger.warn("Agent client '" + name + "' cannot connect to " + endpoint + " (" + reason
						+ "); calls move on to another endpoint or are answered unavailable, and it is tried again after "
						+ backOff.toMillis() + " ms, then less often, up to every " + ResolveBackOff.LONGEST.toSeconds() + " s");
			}
		}

	}

	/** Why an endpoint could not be connected, and when to try it again. */
	private record Unconnectable(String reason, Duration backOff, long retryAt) {
	}

	/** A peer's socket; {@code ready} once its connection has completed its handshake. */
	private record Peer(ZMQ.Socket socket, int index, long createdAt, AtomicBoolean ready) {
	}

}
