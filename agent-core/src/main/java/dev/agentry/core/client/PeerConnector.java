package dev.agentry.core.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.agentry.core.trust.CurveKeys;
import dev.agentry.core.zmq.ZmqSockets;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import org.springframework.util.backoff.BackOff;

/**
 * Makes the DEALER sockets of one owner (the client's loop, or one caller's lane) to its
 * peers, on the owner's thread, and remembers per endpoint what the next one needs: which
 * of the candidate CURVE keys it pins while a key is rotated, and how long its connection
 * may stay dropped before it is replaced. Used by its owner's thread only.
 */
final class PeerConnector {

	/**
	 * How long a dropped connection may take to come back before its socket is replaced:
	 * JeroMQ reconnects within its reconnect interval (100 ms) plus a handshake, but 0.6.0
	 * terminates the session for good after a too-large message or a protocol error. 1 s,
	 * doubled up to 5 s while the replacements never complete a handshake.
	 */
	private static final BackOff DROPPED_GRACE = RetryPolicy.backOff(Duration.ofSeconds(1), Duration.ofSeconds(5));

	private final String client;

	/**
	 * Each endpoint's CURVE public key (Z85), pinned when it is connected; unused without CURVE.
	 * A comma-separated list names the keys a service may hold while its key is rotated: a
	 * connection that never completes its handshake is made again with the next one.
	 */
	private final Function<String, String> serverKeys;

	private final ZmqSockets sockets;

	private final Unconnectables unconnectable;

	/** Which of an endpoint's candidate keys its next socket pins (a list while a key is rotated). */
	private final Map<String, Integer> keyChoice = new HashMap<>();

	/** The grace of the next socket to a peer whose last one was replaced without ever connecting. */
	private final Map<String, BackOffWait> nextGrace = new HashMap<>();

	PeerConnector(String client, Function<String, String> serverKeys, ZmqSockets sockets, Unconnectables unconnectable) {
		this.client = client;
		this.serverKeys = serverKeys;
		this.sockets = sockets;
		this.unconnectable = unconnectable;
	}

	/**
	 * A socket connected to {@code endpoint}, told of its connection through its link;
	 * {@code null} if the endpoint is backing off after a failed connect, or failed now.
	 */
	Connection connect(String endpoint, Function<Link, ZmqSockets.ConnectionListener> listener) {
		if (this.unconnectable.backingOff(endpoint, System.nanoTime())) {
			return null;
		}
		BackOffWait grace = this.nextGrace.get(endpoint);
		Link link = new Link(endpoint, (grace != null) ? grace : BackOffWait.first(DROPPED_GRACE));
		String keys = this.sockets.curve() ? this.serverKeys.apply(endpoint) : null;
		List<String> candidates = CurveKeys.candidates(keys);
		String serverKey = candidates.isEmpty() ? keys
				: candidates.get(this.keyChoice.getOrDefault(endpoint, 0) % candidates.size());
		ZMQ.Socket socket;
		try {
			socket = this.sockets.client(SocketType.DEALER, "client-" + this.client, serverKey, listener.apply(link));
		}
		catch (IllegalArgumentException ex) {
			this.unconnectable.failed(endpoint, ex);
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
			this.unconnectable.failed(endpoint, ex);
			return null;
		}
		this.nextGrace.remove(endpoint);
		this.unconnectable.connected(endpoint);
		return new Connection(socket, link, keys);
	}

	/**
	 * Whether another instance (another key) now serves the connection's address: a socket
	 * pinned to the old key must not carry calls meant for the new one, nor the other way round.
	 */
	boolean keyChanged(Connection connection) {
		return this.sockets.curve()
				&& !Objects.equals(connection.serverKeys(), this.serverKeys.apply(connection.link().endpoint));
	}

	/**
	 * The socket of {@code link} is replaced because its connection stayed dropped past its
	 * grace: one that connected once gets the first grace again; one that never did tries the
	 * next candidate key, if any is left to try, or waits longer.
	 */
	void replaced(Link link) {
		boolean anotherKey = !link.everReady && nextKey(link.endpoint);
		if (link.everReady || anotherKey) {
			this.nextGrace.remove(link.endpoint);
		}
		else {
			this.nextGrace.put(link.endpoint, link.grace.next());
		}
	}

	/** Forgets an endpoint that its owner no longer uses. */
	void forget(String endpoint) {
		this.nextGrace.remove(endpoint);
		this.keyChoice.remove(endpoint);
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

	/** A peer's socket, its connection and the server key(s) it was made for. */
	record Connection(ZMQ.Socket socket, Link link, String serverKeys) {
	}

}
