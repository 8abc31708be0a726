package dev.agentry.core.client;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.zmq.SocketPoller;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

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

	private final String name;

	private final Supplier<List<String>> endpoints;

	private final PeerConnector connector;

	private final ObjectMapper mapper;

	private final RetryPolicy policy;

	private final WrongPeerReplies wrongPeer;

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
	 * Endpoints whose last connect failed, tried again only after a back-off: each try looks
	 * the name up on this thread, which also carries every other call's replies.
	 */
	private final Unconnectables unconnectable;

	/** Connections that dropped, reported by JeroMQ's I/O thread. */
	private final Queue<Link> disconnected = new ConcurrentLinkedQueue<>();

	/** Dropped connections watched until they come back or their socket is replaced. */
	private final Set<Link> down = new HashSet<>();

	private SocketPoller poller;

	/**
	 * @param wrongPeer told (on this thread, so quickly) of every reply dropped because it
	 * came from another peer than the one its call went to
	 */
	ClientLoop(String name, Supplier<List<String>> endpoints, PeerConnector connector, Unconnectables unconnectable,
			ZmqSockets sockets, ObjectMapper mapper, RetryPolicy policy, WrongPeerReplies wrongPeer,
			Consumer<Throwable> onCrash) {
		super("agent-client-" + name, sockets.context(), onCrash);
		this.name = name;
		this.endpoints = endpoints;
		this.connector = connector;
		this.unconnectable = unconnectable;
		this.mapper = mapper;
		this.policy = policy;
		this.wrongPeer = wrongPeer;
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
			if (poller.pollin(peer.index())) {
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
				.filter((target) -> !this.unconnectable.contains(target))
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
		this.peers.values().forEach((peer) -> peer.socket().close());
	}

	private void closed(Call call) {
		call.answer(call.errorReply(this.mapper, AgentError.UNAVAILABLE, "the client " + this.name + " closed"));
	}

	/** Starts the call's current attempt: sent now, or queued until its connection is up. */
	private void send(Call call) {
		call.startAttempt(this.policy.deadline(call, System.nanoTime()));
		if (peer(call.target()) == null) {
			fail(call, AgentError.UNAVAILABLE,
					"cannot connect to " + call.target() + ": " + this.unconnectable.reason(call.target()));
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
		call.answer(call.errorReply(this.mapper, error, message));
	}

	private boolean trySend(Call call, Peer peer) {
		this.lastUsed.put(call.target(), System.nanoTime());
		// Only on a connection that has completed its handshake: JeroMQ attaches a new
		// connection before its handshake and loses what was queued on it if the handshake
		// stalls (jeromq #1022); a request waits for the connection instead.
		if (!peer.link().ready.get()) {
			return false;
		}
		long correlation = this.pending.nextCorrelation();
		byte[] frame = Correlations.frame(correlation);
		// ZeroMQ refuses the request unless a connection is up, instead of queueing it for a
		// peer that may be gone and delivering it late.
		if (!peer.socket().send(frame, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
			return false;
		}
		peer.socket().send(new byte[0], ZMQ.SNDMORE);
		peer.socket().send(call.body(), 0);
		call.sentOn(peer.link());
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
			else if (peer == null || this.policy.stopsWaiting(call, now - peer.link().createdAt, now)) {
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
			byte[] correlation = peer.socket().recv(ZMQ.DONTWAIT);
			if (correlation == null) {
				return;
			}
			List<byte[]> rest = new ArrayList<>(2);
			while (peer.socket().hasReceiveMore()) {
				rest.add(peer.socket().recv(0));
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
			if (call.sentOn() != peer.link()) {
				this.wrongPeer.dropped(peer.link().endpoint, call.target());
				continue;
			}
			this.pending.remove(key);
			complete(call, rest.get(1));
		}
	}

	private void complete(Call call, byte[] replyBytes) {
		// A reply that is not a JSON object is answered internal, which no policy retries.
		JsonNode reply = call.parseReply(this.mapper, replyBytes);
		AgentError error = AgentError.fromCode(reply.path("error").asString(""));
		if (this.policy.retries(call, error)) {
			call.moveOn();
			send(call);
			return;
		}
		// The peer's own reply, also an error that is not worth another endpoint or has none left.
		call.answer(reply);
	}

	/** The peer of an endpoint, connected now if it is new; {@code null} if that connect failed. */
	private Peer peer(String endpoint) {
		Peer peer = this.peers.get(endpoint);
		if (peer != null && !this.connector.keyChanged(peer.connection())) {
			return peer;
		}
		if (peer != null) {
			this.peers.remove(endpoint);
			close(peer);
			lost(peer.link());
			reindex();
		}
		PeerConnector.Connection connection = this.connector.connect(endpoint, this::listener);
		if (connection == null) {
			return null;
		}
		peer = new Peer(connection, this.poller.register(connection.socket(), SocketPoller.POLLIN));
		this.peers.put(endpoint, peer);
		return peer;
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
				this.connector.forget(endpoint);
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
		this.peers.replaceAll((endpoint, peer) -> new Peer(peer.connection(), indexOf(peer.socket())));
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
			if (peer == null || peer.link() != link || link.ready.get()) {
				// Closed meanwhile, or JeroMQ reconnected it.
				links.remove();
			}
			else if (link.downPastGrace(now)) {
				links.remove();
				replaced.add(peer);
			}
		}
		for (Peer peer : replaced) {
			Link link = peer.link();
			this.peers.remove(link.endpoint);
			close(peer);
			lost(link);
			this.connector.replaced(link);
			logger.info("Agent client '" + this.name + "' replaced its socket to " + link.endpoint
					+ ": the connection dropped and did not come back within " + link.grace.duration().toMillis() + " ms");
		}
		if (!replaced.isEmpty()) {
			reindex();
		}
	}

	/** A peer's connection and its socket's index in the poller. */
	private record Peer(PeerConnector.Connection connection, int index) {

		ZMQ.Socket socket() {
			return this.connection.socket();
		}

		Link link() {
			return this.connection.link();
		}

	}

}
