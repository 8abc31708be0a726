package dev.agentry.core.client;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.agentry.core.endpoint.AgentError;
import dev.agentry.core.endpoint.ErrorReply;
import dev.agentry.core.trust.CurveKeys;
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
 * <p>
 * A reply is accepted only from the peer that the call was sent to: the correlation frame
 * is random, and a reply that arrives on another peer's socket is dropped and counted,
 * whatever frame it carries, so that a peer cannot answer calls that went elsewhere. A
 * peer whose connection dropped and did not come back within a short bound (JeroMQ 0.6.0
 * never reconnects after a too-large message or a protocol error) gets a fresh socket.
 */
public final class AgentClient {

	private static final Log logger = LogFactory.getLog(AgentClient.class);

	/** How long a new connection may take before a request queued for it moves on. */
	private static final Duration CONNECT_GRACE = Duration.ofSeconds(1);

	private static final long PRUNE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private static final long CONNECT_GRACE_NANOS = CONNECT_GRACE.toNanos();

	/**
	 * How long a dropped connection may take to come back before its socket is replaced:
	 * JeroMQ reconnects within its reconnect interval (100 ms) plus a handshake, but 0.6.0
	 * terminates the session for good after a too-large message or a protocol error. Doubled
	 * (see {@link ResolveBackOff}) while the replacements never complete a handshake.
	 */
	private static final Duration DROPPED_GRACE = Duration.ofSeconds(1);

	/** How often the WARN about replies from the wrong peer may be repeated. */
	private static final long WRONG_PEER_WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final String name;

	private final Supplier<List<String>> endpoints;

	/**
	 * Each endpoint's CURVE public key (Z85), pinned when it is connected; unused without CURVE.
	 * A comma-separated list names the keys a service may hold while its key is rotated: a
	 * connection that never completes its handshake is made again with the next one.
	 */
	private final Function<String, String> serverKeys;

	private final ZmqSockets sockets;

	private final ObjectMapper mapper;

	private final AtomicInteger nextEndpoint = new AtomicInteger();

	private final Runnable wrongPeerReply;

	private final Loop loop;

	/**
	 * @param wrongPeerReply told (on the client's thread, so quickly) of every reply dropped
	 * because it came from another peer than the one its call went to
	 */
	AgentClient(String name, Supplier<List<String>> endpoints, Function<String, String> serverKeys, ZmqSockets sockets,
			ObjectMapper mapper, Runnable wrongPeerReply, Consumer<Throwable> onCrash) {
		this.name = name;
		this.endpoints = endpoints;
		this.serverKeys = serverKeys;
		this.sockets = sockets;
		this.mapper = mapper;
		this.wrongPeerReply = wrongPeerReply;
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

		/** The connection the current attempt went on: only its socket may answer it. */
		Link sentOn;

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

		/** Connections that dropped, reported by JeroMQ's I/O thread. */
		private final Queue<Link> disconnected = new ConcurrentLinkedQueue<>();

		/** Dropped connections watched until they come back or their socket is replaced. */
		private final Set<Link> down = new HashSet<>();

		/** Which of an endpoint's candidate keys its next socket pins (a list while a key is rotated). */
		private final Map<String, Integer> keyChoice = new HashMap<>();

		/** The grace of the next socket to a peer whose last one was replaced without ever connecting. */
		private final Map<String, Duration> nextGrace = new HashMap<>();

		/** Correlation frames: random, so that no peer can guess those of calls sent to others. */
		private final SecureRandom random = new SecureRandom();

		/** Random bytes fetched in batches: one SecureRandom call per 256 requests, not per request. */
		private final ByteBuffer randomBytes = ByteBuffer.allocate(Long.BYTES * 256).position(Long.BYTES * 256);

		private long nextWrongPeerWarn = System.nanoTime();

		private ZMQ.Poller poller;

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
			retryDisconnected();
			replaceDroppedPeers();
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
					close(entry.getValue());
					this.lastUsed.remove(endpoint);
					this.nextGrace.remove(endpoint);
					this.keyChoice.remove(endpoint);
					return true;
				}
				return false;
			});
			if (pruned) {
				reindex();
			}
		}

		/** Closes a peer's socket, which the caller has taken out of {@code peers}. */
		private void close(Peer peer) {
			this.poller.unregister(peer.socket());
			peer.socket().close();
			this.down.remove(peer.link());
		}

		/** JeroMQ's poller closes the gap an unregistered socket leaves: indices move. */
		private void reindex() {
			this.peers.replaceAll(
					(endpoint, peer) -> new Peer(peer.socket(), indexOf(peer.socket()), peer.link(), peer.serverKey()));
		}

		/**
		 * Replaces the socket of a peer whose connection dropped and did not come back within
		 * its grace: JeroMQ 0.6.0 terminates a connecting session for good after a too-large
		 * message or a protocol error, which would leave this client cut off from a peer that is
		 * up. The fresh socket is made by the next call to that peer (or by a call waiting for it).
		 */
		private void replaceDroppedPeers() {
			if (this.down.isEmpty()) {
				return;
			}
			long now = System.nanoTime();
			List<Peer> replaced = new ArrayList<>();
			for (Iterator<Link> links = this.down.iterator(); links.hasNext();) {
				Link link = links.next();
				Peer peer = this.peers.get(link.endpoint);
				if (peer == null || peer.link() != link || link.ready.get()) {
					// Closed meanwhile, or JeroMQ reconnected it.
					links.remove();
				}
				else if (now - link.droppedAt.get() - link.grace.toNanos() > 0) {
					links.remove();
					replaced.add(peer);
				}
			}
			for (Peer peer : replaced) {
				Link link = peer.link();
				this.peers.remove(link.endpoint);
				close(peer);
				lost(link);
				// A socket that connected once gets the first grace again; one that never did tries the
				// next candidate key, if any is left to try, or waits longer.
				boolean anotherKey = !link.everReady && nextKey(link.endpoint);
				this.nextGrace.put(link.endpoint,
						(link.everReady || anotherKey) ? DROPPED_GRACE : ResolveBackOff.after(link.grace));
				logger.info("Agent client '" + name + "' replaced its socket to " + link.endpoint
						+ ": the connection dropped and did not come back within " + link.grace.toMillis() + " ms");
			}
			if (!replaced.isEmpty()) {
				reindex();
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
			if (!this.unsent.isEmpty() || !this.down.isEmpty()) {
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
			if (!trySend(call, this.peers.get(call.target()))) {
				this.unsent.add(call);
			}
		}

		/** The peer of an endpoint, connected now if it is new; {@code null} if that connect failed. */
		private Peer peer(String endpoint) {
			Peer peer = this.peers.get(endpoint);
			if (peer != null && !keyChanged(peer)) {
				return peer;
			}
			if (peer != null) {
				// Another instance (another key) now serves this address: a connection pinned to
				// the old key must not carry calls meant for the new one, nor the other way round.
				this.peers.remove(endpoint);
				close(peer);
				lost(peer.link());
				reindex();
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

		/**
		 * Moves an endpoint on to its next candidate key (CURVE keys being rotated); whether that
		 * key has not been tried in this round.
		 */
		private boolean nextKey(String endpoint) {
			int candidates = sockets.curve() ? CurveKeys.candidates(serverKeys.apply(endpoint)).size() : 0;
			if (candidates < 2) {
				return false;
			}
			int next = (this.keyChoice.getOrDefault(endpoint, 0) + 1) % candidates;
			this.keyChoice.put(endpoint, next);
			return next != 0;
		}

		private boolean keyChanged(Peer peer) {
			return sockets.curve() && !java.util.Objects.equals(peer.serverKey(), serverKeys.apply(peer.link().endpoint));
		}

		private boolean trySend(Call call, Peer peer) {
			this.lastUsed.put(call.target(), System.nanoTime());
			// Only on a connection that has completed its handshake: JeroMQ attaches a new
			// connection before its handshake and loses what was queued on it if the handshake
			// stalls (jeromq #1022); a request waits for the connection instead.
			if (!peer.link().ready.get()) {
				return false;
			}
			long correlation = nextCorrelation();
			byte[] frame = ByteBuffer.allocate(Long.BYTES).putLong(correlation).array();
			// ZeroMQ refuses the request unless a connection is up, instead of queueing it for a
			// peer that may be gone and delivering it late.
			if (!peer.socket.send(frame, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
				return false;
			}
			peer.socket.send(new byte[0], ZMQ.SNDMORE);
			peer.socket.send(call.body, 0);
			call.sent = true;
			call.sentOn = peer.link();
			this.pending.put(correlation, call);
			return true;
		}

		private long nextCorrelation() {
			long correlation;
			do {
				if (!this.randomBytes.hasRemaining()) {
					this.random.nextBytes(this.randomBytes.array());
					this.randomBytes.clear();
				}
				correlation = this.randomBytes.getLong();
			}
			while (this.pending.containsKey(correlation));
			return correlation;
		}

		private void retryUnsent() {
			long now = System.nanoTime();
			Iterator<Call> calls = this.unsent.iterator();
			List<Call> moved = new ArrayList<>();
			while (calls.hasNext()) {
				Call call = calls.next();
				// Connected again here if its socket was replaced; null if that connect failed.
				Peer peer = peer(call.target());
				if (peer != null && trySend(call, peer)) {
					calls.remove();
				}
				else if (peer == null || (now - peer.link().createdAt > CONNECT_GRACE_NANOS && hasNext(call))
						|| now - call.deadline >= 0) {
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
			Link link;
			while ((link = this.disconnected.poll()) != null) {
				this.down.add(link);
				lost(link);
			}
		}

		/** Moves on the calls pending on a connection that dropped. */
		private void lost(Link link) {
			List<Long> lost = new ArrayList<>();
			this.pending.forEach((correlation, call) -> {
				if (call.sentOn == link) {
					lost.add(correlation);
				}
			});
			long now = System.nanoTime();
			for (Long correlation : lost) {
				Call call = this.pending.remove(correlation);
				if (!hasNext(call) && now - call.deadline < 0) {
					// The only endpoint: the connection comes back (or its socket is replaced), and
					// the request goes again once it is up, within the same deadline.
					this.unsent.add(call);
				}
				else {
					next(call, AgentError.UNAVAILABLE, "the connection to " + link.endpoint + " dropped");
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
				long key = ByteBuffer.wrap(correlation).getLong();
				Call call = this.pending.get(key);
				if (call == null) {
					// Late (after a timeout or a move to another peer): nobody waits for it.
					continue;
				}
				if (call.sentOn != peer.link()) {
					wrongPeer(peer.link().endpoint, call);
					continue;
				}
				this.pending.remove(key);
				complete(call, rest.get(1));
			}
		}

		/** A reply on another socket than its call's: dropped, counted, told now and then, never a reply. */
		private void wrongPeer(String from, Call call) {
			wrongPeerReply.run();
			long now = System.nanoTime();
			if (now - this.nextWrongPeerWarn >= 0) {
				this.nextWrongPeerWarn = now + WRONG_PEER_WARN_INTERVAL_NANOS;
				logger.warn("Agent client '" + name + "' dropped a reply from " + from + " to a call sent to "
						+ call.target() + " (a peer answering calls it did not get); every one is counted, this is told at most once a minute");
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
			Link link = new Link(endpoint, this.nextGrace.getOrDefault(endpoint, DROPPED_GRACE));
			String keys = sockets.curve() ? serverKeys.apply(endpoint) : null;
			List<String> candidates = CurveKeys.candidates(keys);
			String serverKey = candidates.isEmpty() ? keys
					: candidates.get(this.keyChoice.getOrDefault(endpoint, 0) % candidates.size());
			ZMQ.Socket socket;
			try {
				socket = sockets.client(SocketType.DEALER, "client-" + name, serverKey, listener(link));
			}
			catch (IllegalArgumentException ex) {
				unconnectable(endpoint, ex);
				return null;
			}
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
			this.nextGrace.remove(endpoint);
			if (this.unconnectable.remove(endpoint) != null) {
				logger.info("Agent client '" + name + "' connected to " + endpoint + ", which it could not before");
			}
			int index = this.poller.register(socket, ZMQ.Poller.POLLIN);
			return new Peer(socket, index, link, keys);
		}

		private ZmqSockets.ConnectionListener listener(Link link) {
			return new ZmqSockets.ConnectionListener() {

				@Override
				public void ready() {
					link.everReady = true;
					link.droppedAt.set(0);
					link.ready.set(true);
					wakeup();
				}

				@Override
				public void dropped() {
					link.ready.set(false);
					// The first drop since the connection was last up starts the grace.
					long now = System.nanoTime();
					link.droppedAt.compareAndSet(0, (now != 0) ? now : 1);
					Loop.this.disconnected.add(link);
					wakeup();
				}

			};
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

	/** A peer's socket, its index in the poller, its connection and the server key(s) it was made for. */
	private record Peer(ZMQ.Socket socket, int index, Link link, String serverKey) {
	}

	/**
	 * The connection of one socket, as JeroMQ's I/O thread tells it; also what a call
	 * remembers it was sent on, so that only that socket may answer it.
	 */
	private static final class Link {

		final String endpoint;

		/** How long this connection may stay dropped before its socket is replaced. */
		final Duration grace;

		final long createdAt = System.nanoTime();

		/** Whether the connection has completed its handshake and is up now. */
		final AtomicBoolean ready = new AtomicBoolean();

		/** When it dropped without coming back since; 0 while up or before any drop. */
		final AtomicLong droppedAt = new AtomicLong();

		volatile boolean everReady;

		Link(String endpoint, Duration grace) {
			this.endpoint = endpoint;
			this.grace = grace;
		}

	}

}
