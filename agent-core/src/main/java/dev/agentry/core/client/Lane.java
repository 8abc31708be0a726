package dev.agentry.core.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.ZError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The sockets that one caller thread owns for one client: a DEALER per endpoint, made,
 * used and closed by that thread only ({@link CallerSockets}), and a blocking receive. A
 * synchronous call then goes from the caller's thread to JeroMQ's I/O thread and back,
 * without the two hand-overs to and from the client's loop that cost several times the
 * CPU of the call itself (agent-bench: "client, 8 synchronous callers").
 * <p>
 * It keeps the loop's guarantees: a request goes only on a connection that has completed its
 * handshake; the {@link RetryPolicy} moves a call on, or ends it, exactly as in the loop; each
 * attempt has the call's timeout; a reply is taken only from the socket its request went on,
 * with its random correlation frame; and a socket whose connection stays dropped is replaced.
 * The thread never blocks longer than {@link #SLICE_NANOS} without looking at its
 * connection and at the client's close, so a dropped connection or a stopping client ends
 * the wait at once, not at the attempt's timeout.
 */
final class Lane {

	private static final Log logger = LogFactory.getLog(Lane.class);

	/** The longest single wait: a dropped connection or the client's close is seen within it. */
	static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final long PRUNE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	/** How many recent calls' correlations are remembered, to tell a reply from the wrong peer from a late one. */
	private static final int RECENT = 64;

	private final String name;

	private final Supplier<List<String>> endpoints;

	private final PeerConnector connector;

	private final Unconnectables unconnectable;

	private final ObjectMapper mapper;

	private final RetryPolicy policy;

	private final WrongPeerReplies wrongPeer;

	private final BooleanSupplier closing;

	private final Map<String, PeerConnector.Connection> peers = new HashMap<>();

	private final Map<String, Long> lastUsed = new HashMap<>();

	private final Correlations correlations = new Correlations();

	/**
	 * The connection each recent call went on, by correlation, answered or not: a reply that
	 * carries one of them on another connection is a peer answering a call it did not get.
	 */
	private final Map<Long, Link> recent = new LinkedHashMap<>(RECENT * 2, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Link> eldest) {
			return size() > RECENT;
		}

	};

	private long nextPrune = System.nanoTime() + PRUNE_INTERVAL_NANOS;

	Lane(String name, Supplier<List<String>> endpoints, PeerConnector connector, Unconnectables unconnectable,
			ObjectMapper mapper, RetryPolicy policy, WrongPeerReplies wrongPeer, BooleanSupplier closing) {
		this.name = name;
		this.endpoints = endpoints;
		this.connector = connector;
		this.unconnectable = unconnectable;
		this.mapper = mapper;
		this.policy = policy;
		this.wrongPeer = wrongPeer;
		this.closing = closing;
	}

	/** Makes the call on this thread: every attempt the policy allows, then the reply. */
	JsonNode call(Call call) {
		try {
			while (true) {
				call.startAttempt(this.policy.deadline(call, System.nanoTime()));
				Outcome outcome = attempt(call);
				AgentError error = (outcome.reply() != null)
						? AgentError.fromCode(outcome.reply().path("error").asString("")) : outcome.error();
				if (this.policy.retries(call, error)) {
					call.moveOn();
					continue;
				}
				return (outcome.reply() != null) ? outcome.reply()
						: call.errorReply(this.mapper, outcome.error(), outcome.message());
			}
		}
		catch (InterruptedException ex) {
			// An interrupt may have left a socket half-way through a receive: new ones next time.
			close();
			Thread.currentThread().interrupt();
			return call.errorReply(this.mapper, AgentError.UNAVAILABLE, "interrupted while waiting for a reply");
		}
		catch (RuntimeException ex) {
			// A socket that JeroMQ failed (its context terminated under a forced thread, say):
			// this lane's sockets are closed, and the next call makes new ones.
			close();
			return call.errorReply(this.mapper, AgentError.UNAVAILABLE, "the call to " + call.target() + " failed: " + ex);
		}
		finally {
			pruneIdlePeers();
		}
	}

	/** Closes every socket of this lane; on its owner's thread. */
	void close() {
		this.peers.values().forEach((peer) -> peer.socket().close());
		this.peers.clear();
		this.lastUsed.clear();
	}

	private Outcome attempt(Call call) throws InterruptedException {
		String target = call.target();
		while (true) {
			if (this.closing.getAsBoolean()) {
				return closed();
			}
			PeerConnector.Connection peer = peer(target);
			if (peer == null) {
				return Outcome.failed(AgentError.UNAVAILABLE,
						"cannot connect to " + target + ": " + this.unconnectable.reason(target));
			}
			Link link = peer.link();
			long now = System.nanoTime();
			long seen = link.changes();
			if (!link.ready.get()) {
				// Only on a connection that has completed its handshake: JeroMQ attaches a new
				// connection before its handshake and loses what was queued on it if the
				// handshake stalls (jeromq #1022).
				if (this.policy.stopsWaiting(call, now - link.createdAt, now)) {
					return Outcome.failed(AgentError.UNAVAILABLE, "no connection to " + target);
				}
				if (link.droppedAt.get() != 0 && link.downPastGrace(now)) {
					replace(peer);
					continue;
				}
				link.awaitChange(seen, Math.min(SLICE_NANOS, Math.max(1, call.deadline() - now)));
				continue;
			}
			long correlation = this.correlations.next();
			long drops = link.drops();
			this.lastUsed.put(target, now);
			// ZeroMQ refuses the request unless a connection is up, instead of queueing it for a
			// peer that may be gone and delivering it late.
			if (!peer.socket().send(Correlations.frame(correlation), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
				// Up by its handshake, not yet (or no longer) by its pipe: a moment's wait.
				link.awaitChange(seen, TimeUnit.MILLISECONDS.toNanos(1));
				if (this.policy.expired(call, System.nanoTime())) {
					return Outcome.failed(AgentError.UNAVAILABLE, "no connection to " + target);
				}
				continue;
			}
			peer.socket().send(new byte[0], ZMQ.SNDMORE);
			peer.socket().send(call.body(), 0);
			call.sentOn(link);
			this.recent.put(correlation, link);
			Outcome outcome = receive(call, peer, correlation, drops);
			if (outcome != Outcome.RESEND) {
				return outcome;
			}
		}
	}

	/**
	 * Waits for the reply of the request sent with {@code correlation}, a slice at a time;
	 * {@link Outcome#RESEND} when its connection dropped and the call waits for it to come back.
	 */
	private Outcome receive(Call call, PeerConnector.Connection peer, long correlation, long drops)
			throws InterruptedException {
		ZMQ.Socket socket = peer.socket();
		while (true) {
			long now = System.nanoTime();
			long left = call.deadline() - now;
			if (left <= 0) {
				return Outcome.failed(AgentError.TIMEOUT,
						"no reply from " + call.target() + " within " + call.attemptTimeout().toMillis() + " ms");
			}
			if (this.closing.getAsBoolean()) {
				return closed();
			}
			if (Thread.interrupted()) {
				// JeroMQ returns at once on an interrupted thread: waiting on would spin. The
				// call ends here (the flag is set again), not on the next endpoint.
				throw new InterruptedException();
			}
			if (peer.link().drops() != drops) {
				// The peer drained what it had before it closed: whatever is still pending was
				// lost on the way, and moves on now rather than after its timeout.
				if (this.policy.waitsForReconnect(call, now)) {
					return Outcome.RESEND;
				}
				return Outcome.failed(AgentError.UNAVAILABLE, "the connection to " + call.target() + " dropped");
			}
			socket.setReceiveTimeOut((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, SLICE_NANOS))));
			byte[] first;
			try {
				first = socket.recv(0);
			}
			catch (ZMQException ex) {
				if (ex.getErrorCode() == ZError.EINTR) {
					throw new InterruptedException();
				}
				throw ex;
			}
			if (first == null) {
				continue;
			}
			List<byte[]> rest = new ArrayList<>(2);
			while (socket.hasReceiveMore()) {
				rest.add(socket.recv(0));
			}
			Long got = Correlations.of(first);
			if (got == null || rest.size() != 2) {
				continue;
			}
			if (got != correlation) {
				Link sentOn = this.recent.get(got);
				if (sentOn != null && sentOn != peer.link()) {
					this.wrongPeer.dropped(call.target(), sentOn.endpoint);
				}
				// Otherwise late (a reply to an attempt that timed out): nobody waits for it.
				continue;
			}
			return Outcome.replied(call.parseReply(this.mapper, rest.get(1)));
		}
	}

	/** The socket to an endpoint, made now if there is none yet; {@code null} if that connect failed. */
	private PeerConnector.Connection peer(String endpoint) {
		PeerConnector.Connection peer = this.peers.get(endpoint);
		if (peer != null && !this.connector.keyChanged(peer)) {
			return peer;
		}
		if (peer != null) {
			this.peers.remove(endpoint).socket().close();
		}
		peer = this.connector.connect(endpoint, Lane::listener);
		if (peer != null) {
			this.peers.put(endpoint, peer);
		}
		return peer;
	}

	/**
	 * Replaces the socket of a connection that dropped and did not come back within its grace:
	 * JeroMQ 0.6.0 terminates a connecting session for good after a too-large message or a
	 * protocol error.
	 */
	private void replace(PeerConnector.Connection peer) {
		Link link = peer.link();
		this.peers.remove(link.endpoint);
		peer.socket().close();
		this.connector.replaced(link);
		logger.info("Agent client '" + this.name + "' replaced a socket to " + link.endpoint
				+ ": the connection dropped and did not come back within " + link.grace.duration().toMillis() + " ms");
	}

	private static ZmqSockets.ConnectionListener listener(Link link) {
		return new ZmqSockets.ConnectionListener() {

			@Override
			public void ready() {
				link.up();
			}

			@Override
			public void dropped() {
				link.down();
			}

		};
	}

	/** Closes the sockets to endpoints no longer listed that have carried nothing for a while. */
	private void pruneIdlePeers() {
		long now = System.nanoTime();
		if (now - this.nextPrune < 0 || this.peers.isEmpty()) {
			return;
		}
		this.nextPrune = now + PRUNE_INTERVAL_NANOS;
		List<String> listed = this.endpoints.get();
		this.peers.entrySet().removeIf((entry) -> {
			String endpoint = entry.getKey();
			boolean idle = now - this.lastUsed.getOrDefault(endpoint, 0L) > PRUNE_INTERVAL_NANOS;
			if (idle && (listed == null || !listed.contains(endpoint))) {
				entry.getValue().socket().close();
				this.lastUsed.remove(endpoint);
				this.connector.forget(endpoint);
				return true;
			}
			return false;
		});
	}

	private Outcome closed() {
		return Outcome.failed(AgentError.UNAVAILABLE, "the client " + this.name + " closed");
	}

	/** How one attempt ended: the peer's reply, or an error found here. */
	private record Outcome(JsonNode reply, AgentError error, String message) {

		/** The connection dropped with the request pending, and the call waits for it to come back. */
		static final Outcome RESEND = new Outcome(null, null, null);

		static Outcome replied(JsonNode reply) {
			return new Outcome(reply, null, null);
		}

		static Outcome failed(AgentError error, String message) {
			return new Outcome(null, error, message);
		}

	}

}
