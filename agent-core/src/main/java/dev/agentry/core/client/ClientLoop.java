package dev.agentry.core.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.ErrorReply;
import dev.agentry.core.trust.CurveKeys;
import dev.agentry.core.zmq.SocketPoller;
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

import org.springframework.util.backoff.BackOff;

/**
 * The thread of one {@link AgentClient} that owns a DEALER socket per peer endpoint: it
 * sends the queued calls, matches replies to them by an envelope frame that the peer's ROUTER
 * sends back, and moves a call on, or answers it, as its {@link RetryPolicy} says.
 * <p>
 * A reply is accepted only from the peer that the call was sent to: the correlation frame
 * is random, and a reply that arrives on another peer's socket is dropped and counted,
 * whatever frame it carries, so that a peer cannot answer calls that went elsewhere. A
 * peer whose connection dropped and did not come back within a short bound (JeroMQ 0.6.0
 * never reconnects after a too-large message or a protocol error) gets a fresh socket.
 */
final class ClientLoop extends ZmqLoop {

	private static final Log logger = LogFactory.getLog(ClientLoop.class);

	private static final long PRUNE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	/**
	 * How long a dropped connection may take to come back before its socket is replaced:
	 * JeroMQ reconnects within its reconnect interval (100 ms) plus a handshake, but 0.6.0
	 * terminates the session for good after a too-large message or a protocol error. 1 s,
	 * doubled up to 5 s while the replacements never complete a handshake.
	 */
	private static final BackOff DROPPED_GRACE = RetryPolicy.backOff(Duration.ofSeconds(1), Duration.ofSeconds(5));

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

	private final RetryPolicy policy;

	private final Runnable wrongPeerReply;

	/** Calls queued by the callers' threads. */
	private final Queue<Call> calls = new ConcurrentLinkedQueue<>();

	private final Map<String, Peer> peers = new HashMap<>();

	private final PendingCalls pending = new PendingCalls();

	/** Calls waiting for their connection to come up. */
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
	private final Map<String, BackOffWait> nextGrace = new HashMap<>();

	private long nextWrongPeerWarn = System.nanoTime();

	private SocketPoller poller;

	/**
	 * @param wrongPeerReply told (on this thread, so quickly) of every reply dropped because
	 * it came from another peer than the one its call went to
	 */
	ClientLoop(String name, Supplier<List<String>> endpoints, Function<String, String> serverKeys, ZmqSockets sockets,
			ObjectMapper mapper, RetryPolicy policy, Runnable wrongPeerReply, Consumer<Throwable> onCrash) {
		super("agent-client-" + name, sockets.context(), onCrash);
		this.name = name;
		this.endpoints = endpoints;
		this.serverKeys = serverKeys;
		this.sockets = sockets;
		this.mapper = mapper;
		this.policy = policy;
		this.wrongPeerReply = wrongPeerReply;
	}

	/** Queues a call from any thread; false when the loop is closing and will never take it. */
	boolean submit(Call call) {
		if (isClosing()) {
			return false;
		}
		this.calls.add(call);
		wakeup();
		// The loop may have closed between the check and the add: then nobody else answers it.
		return !(isClosing() && this.calls.remove(call));
	}

	@Override
	protected void open(SocketPoller poller) {
		this.poller = poller;
	}

	@Override
	protected void onPoll(SocketPoller poller) {
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
			call.remainingTargets()
				.stream()
				.filter((target) -> !this.unconnectable.containsKey(target))
				.forEach(this::peer);
			send(call);
		}
		retryUnsent();
		expire();
		pruneIdlePeers();
	}

	@Override
	protected long pollTimeoutMillis() {
		if (!this.unsent.isEmpty() || !this.down.isEmpty()) {
			return 10;
		}
		long next = this.pending.earliestDeadline();
		return (next == Long.MAX_VALUE) ? -1
				: Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1);
	}


	@Override
	protected void close() {
		Call call;
		while ((call = this.calls.poll()) != null) {
			this.unsent.add(call);
		}
		this.unsent.forEach(this::closed);
		this.pending.all().forEach(this::closed);
		this.peers.values().forEach((peer) -> peer.socket.close());
	}

	private void closed(Call call) {
		call.answer(errorReply(call, AgentError.UNAVAILABLE, "the client " + this.name + " closed"));
	}

	/** Starts the call's current attempt: sent now, or queued until its connection is up. */
	private void send(Call call) {
		call.startAttempt(this.policy.deadline(call, System.nanoTime()));
		if (peer(call.target()) == null) {
			fail(call, AgentError.UNAVAILABLE,
					"cannot connect to " + call.target() + ": " + this.unconnectable.get(call.target()).reason());
			return;
		}
		if (!trySend(call, this.peers.get(call.target()))) {
			this.unsent.add(call);
		}
	}

	/** An attempt failed: the call moves on to its next endpoint, or this is its reply. */
	private void fail(Call call, AgentError error, String message) {
		if (this.policy.retries(call, error)) {
			call.moveOn();
			send(call);
			return;
		}
		call.answer(errorReply(call, error, message));
	}

	private boolean trySend(Call call, Peer peer) {
		this.lastUsed.put(call.target(), System.nanoTime());
		// Only on a connection that has completed its handshake: JeroMQ attaches a new
		// connection before its handshake and loses what was queued on it if the handshake
		// stalls (jeromq #1022); a request waits for the connection instead.
		if (!peer.link.ready.get()) {
			return false;
		}
		long correlation = this.pending.nextCorrelation();
		byte[] frame = ByteBuffer.allocate(Long.BYTES).putLong(correlation).array();
		// ZeroMQ refuses the request unless a connection is up, instead of queueing it for a
		// peer that may be gone and delivering it late.
		if (!peer.socket.send(frame, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
			return false;
		}
		peer.socket.send(new byte[0], ZMQ.SNDMORE);
		peer.socket.send(call.body(), 0);
		call.sentOn(peer.link);
		this.pending.put(correlation, call);
		return true;
	}

	private void retryUnsent() {
		long now = System.nanoTime();
		Iterator<Call> waiting = this.unsent.iterator();
		List<Call> moved = new ArrayList<>();
		while (waiting.hasNext()) {
			Call call = waiting.next();
			// Connected again here if its socket was replaced; null if that connect failed.
			Peer peer = peer(call.target());
			if (peer != null && trySend(call, peer)) {
				waiting.remove();
			}
			else if (peer == null || this.policy.stopsWaiting(call, now - peer.link.createdAt, now)) {
				waiting.remove();
				moved.add(call);
			}
		}
		moved.forEach((call) -> fail(call, AgentError.UNAVAILABLE, "no connection to " + call.target()));
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
		long now = System.nanoTime();
		for (Call call : this.pending.removeIf((call) -> call.sentOn() == link)) {
			if (this.policy.waitsForReconnect(call, now)) {
				// The connection comes back (or its socket is replaced), and the request goes
				// again once it is up, within the same deadline.
				this.unsent.add(call);
			}
			else {
				fail(call, AgentError.UNAVAILABLE, "the connection to " + link.endpoint + " dropped");
			}
		}
	}

	private void expire() {
		long now = System.nanoTime();
		for (Call call : this.pending.removeIf((call) -> this.policy.expired(call, now))) {
			fail(call, AgentError.TIMEOUT,
					"no reply from " + call.target() + " within " + call.attemptTimeout().toMillis() + " ms");
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
			if (call.sentOn() != peer.link) {
				wrongPeer(peer.link.endpoint, call);
				continue;
			}
			this.pending.remove(key);
			complete(call, rest.get(1));
		}
	}

	/** A reply on another socket than its call's: dropped, counted, told now and then, never a reply. */
	private void wrongPeer(String from, Call call) {
		this.wrongPeerReply.run();
		long now = System.nanoTime();
		if (now - this.nextWrongPeerWarn >= 0) {
			this.nextWrongPeerWarn = now + WRONG_PEER_WARN_INTERVAL_NANOS;
			logger.warn("Agent client '" + this.name + "' dropped a reply from " + from + " to a call sent to "
					+ call.target() + " (a peer answering calls it did not get); every one is counted, this is told at most once a minute");
		}
	}

	private void complete(Call call, byte[] replyBytes) {
		JsonNode reply;
		try {
			reply = this.mapper.readTree(replyBytes);
		}
		catch (JacksonException ex) {
			reply = null;
		}
		if (reply == null || !reply.isObject()) {
			call.answer(errorReply(call, AgentError.INTERNAL, "the reply of " + call.target() + " was not a JSON object"));
			return;
		}
		AgentError error = AgentError.fromCode(reply.path("error").asString(""));
		if (this.policy.retries(call, error)) {
			call.moveOn();
			send(call);
			return;
		}
		// The peer's own reply, also an error that is not worth another endpoint or has none left.
		call.answer(reply);
	}

	private JsonNode errorReply(Call call, AgentError error, String message) {
		return ErrorReply.of(this.mapper, call.request().get("id"), error, message);
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
			lost(peer.link);
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

	private boolean keyChanged(Peer peer) {
		return this.sockets.curve() && !Objects.equals(peer.serverKey, this.serverKeys.apply(peer.link.endpoint));
	}

	/**
	 * Moves an endpoint on to its next candidate key (CURVE keys being rotated); whether that
	 * key has not been tried in this round.
	 */
	private boolean nextKey(String endpoint) {
		int candidates = this.sockets.curve() ? CurveKeys.candidates(this.serverKeys.apply(endpoint)).size() : 0;
		if (candidates < 2) {
			return false;
		}
		int next = (this.keyChoice.getOrDefault(endpoint, 0) + 1) % candidates;
		this.keyChoice.put(endpoint, next);
		return next != 0;
	}

	private Peer connect(String endpoint) {
		BackOffWait grace = this.nextGrace.get(endpoint);
		Link link = new Link(endpoint, (grace != null) ? grace : BackOffWait.first(DROPPED_GRACE));
		String keys = this.sockets.curve() ? this.serverKeys.apply(endpoint) : null;
		List<String> candidates = CurveKeys.candidates(keys);
		String serverKey = candidates.isEmpty() ? keys
				: candidates.get(this.keyChoice.getOrDefault(endpoint, 0) % candidates.size());
		ZMQ.Socket socket;
		try {
			socket = this.sockets.client(SocketType.DEALER, "client-" + this.name, serverKey, listener(link));
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
			logger.info("Agent client '" + this.name + "' connected to " + endpoint + ", which it could not before");
		}
		int index = this.poller.register(socket, SocketPoller.POLLIN);
		return new Peer(socket, index, link, keys);
	}

	private ZmqSockets.ConnectionListener listener(Link link) {
		return new ZmqSockets.ConnectionListener() {

			@Override
			public void ready() {
				link.up();
				wakeup();
			}

			@Override
			public void dropped() {
				link.down();
				ClientLoop.this.disconnected.add(link);
				wakeup();
			}

		};
	}

	private void unconnectable(String endpoint, RuntimeException ex) {
		String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		Unconnectable last = this.unconnectable.get(endpoint);
		BackOffWait wait = (last != null) ? last.backOff().next() : BackOffWait.first(this.policy.reconnectBackOff());
		this.unconnectable.put(endpoint, new Unconnectable(reason, wait, System.nanoTime() + wait.duration().toNanos()));
		if (last == null) {
			logger.warn("Agent client '" + this.name + "' cannot connect to " + endpoint + " (" + reason
					+ "); calls move on to another endpoint or are answered unavailable, and it is tried again after "
					+ wait.duration().toMillis() + " ms, then less often, up to every "
					+ RetryPolicy.RECONNECT_LONGEST.toSeconds() + " s");
		}
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
		List<String> listed = this.endpoints.get();
		Set<String> busy = new HashSet<>();
		this.pending.all().forEach((call) -> busy.add(call.target()));
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
		this.poller.unregister(peer.socket);
		peer.socket.close();
		this.down.remove(peer.link);
	}

	/** JeroMQ's poller closes the gap an unregistered socket leaves: indices move. */
	private void reindex() {
		this.peers.replaceAll((endpoint, peer) -> new Peer(peer.socket, indexOf(peer.socket), peer.link, peer.serverKey));
	}

	private int indexOf(ZMQ.Socket socket) {
		for (int i = 0; i < this.poller.getSize(); i++) {
			if (this.poller.getSocket(i) == socket) {
				return i;
			}
		}
		throw new IllegalStateException("A peer socket is missing from the poller");
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
			if (peer == null || peer.link != link || link.ready.get()) {
				// Closed meanwhile, or JeroMQ reconnected it.
				links.remove();
			}
			else if (link.downPastGrace(now)) {
				links.remove();
				replaced.add(peer);
			}
		}
		for (Peer peer : replaced) {
			Link link = peer.link;
			this.peers.remove(link.endpoint);
			close(peer);
			lost(link);
			// A socket that connected once gets the first grace again; one that never did tries the
			// next candidate key, if any is left to try, or waits longer.
			boolean anotherKey = !link.everReady && nextKey(link.endpoint);
			if (link.everReady || anotherKey) {
				this.nextGrace.remove(link.endpoint);
			}
			else {
				this.nextGrace.put(link.endpoint, link.grace.next());
			}
			logger.info("Agent client '" + this.name + "' replaced its socket to " + link.endpoint
					+ ": the connection dropped and did not come back within " + link.grace.duration().toMillis() + " ms");
		}
		if (!replaced.isEmpty()) {
			reindex();
		}
	}

	/** Why an endpoint could not be connected, and when to try it again. */
	private record Unconnectable(String reason, BackOffWait backOff, long retryAt) {
	}

	/** A peer's socket, its index in the poller, its connection and the server key(s) it was made for. */
	private record Peer(ZMQ.Socket socket, int index, Link link, String serverKey) {
	}

}
