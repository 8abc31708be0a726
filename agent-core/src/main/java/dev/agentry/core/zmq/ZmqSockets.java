package dev.agentry.core.zmq;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

import dev.agentry.core.trust.Curve;
import dev.agentry.core.trust.ZapHandler;
import zmq.ZError;
import zmq.util.Errno;

/**
 * Creates sockets with the agent's settings: a bounded linger on every socket (JeroMQ's
 * {@code ZContext} defaults to 0, which drops replies that are still queued at close) and
 * {@code ZMQ_MAXMSGSIZE} on every socket that receives, with each refusal reported; and,
 * with CURVE on, CURVE on every socket: {@link #server} for the sockets that bind,
 * {@link #client} for the ones that connect.
 */
public final class ZmqSockets {

	private final ZContext context;

	private final Duration linger;

	private final long maxMessageSize;

	private final Consumer<Refusal> refusals;

	private final Duration handshakeTimeout;

	private final Curve curve;

	private final ZapHandler.Denials denials;

	/**
	 * @param refusals told about every peer that ZeroMQ disconnected for what it sent (a message
	 * over {@code maxMessageSize}, a malformed frame, a stalled handshake); called on a JeroMQ
	 * I/O thread, so it must be quick
	 */
	public ZmqSockets(ZContext context, Duration linger, long maxMessageSize, Consumer<Refusal> refusals) {
		this(context, linger, maxMessageSize, Duration.ofSeconds(2), refusals);
	}

	/**
	 * @param handshakeTimeout how long a new connection may take to complete its ZMTP
	 * handshake before it is dropped and made again
	 */
	public ZmqSockets(ZContext context, Duration linger, long maxMessageSize, Duration handshakeTimeout,
			Consumer<Refusal> refusals) {
		this(context, linger, maxMessageSize, handshakeTimeout, refusals, null, (socket, reason) -> {
		});
	}

	/**
	 * @param curve this agent's CURVE identity, or {@code null} for plain-text sockets
	 * @param denials told (on a JeroMQ I/O thread) of every plain-text peer that tried a CURVE
	 * server socket; the ZAP handler reports the peers whose key it refuses
	 */
	public ZmqSockets(ZContext context, Duration linger, long maxMessageSize, Duration handshakeTimeout,
			Consumer<Refusal> refusals, Curve curve, ZapHandler.Denials denials) {
		this.context = context;
		this.linger = linger;
		this.maxMessageSize = maxMessageSize;
		this.handshakeTimeout = handshakeTimeout;
		this.refusals = refusals;
		this.curve = curve;
		this.denials = denials;
	}

	/** Whether the sockets use CURVE. */
	public boolean curve() {
		return this.curve != null;
	}

	/** This agent's CURVE public key (Z85), or {@code null} without CURVE. */
	public String publicKey() {
		return (this.curve != null) ? this.curve.publicKey() : null;
	}

	public ZContext context() {
		return this.context;
	}

	public Duration linger() {
		return this.linger;
	}

	/** ZMQ_MAXMSGSIZE of the sockets that receive: the largest message a peer of the agent accepts. */
	public long maxMessageSize() {
		return this.maxMessageSize;
	}

	/**
	 * Creates a socket that will bind, on the calling thread, which then owns it: a CURVE
	 * server when CURVE is on.
	 * @param purpose names the socket in refusal reports and auth counts (an endpoint name,
	 * {@code health}, ...)
	 */
	public ZMQ.Socket server(SocketType type, String purpose) {
		return server(type, purpose, NO_LISTENER);
	}

	/** As {@link #server(SocketType, String)}, telling {@code connections} of its connections. */
	public ZMQ.Socket server(SocketType type, String purpose, ConnectionListener connections) {
		ZMQ.Socket socket = create(type, purpose, connections);
		configureServer(socket, purpose);
		return socket;
	}

	/**
	 * Creates a socket that will connect to the server holding {@code serverKey} (Z85; ignored
	 * without CURVE), on the calling thread, which then owns it.
	 * @throws IllegalArgumentException with CURVE on, when {@code serverKey} is not a key
	 */
	public ZMQ.Socket client(SocketType type, String purpose, String serverKey, ConnectionListener connections) {
		ZMQ.Socket socket = create(type, purpose, connections);
		try {
			configureClient(socket, serverKey);
		}
		catch (IllegalArgumentException ex) {
			socket.close();
			throw ex;
		}
		return socket;
	}

	/** CURVE server settings for a socket made elsewhere (a spring-integration-zeromq channel's). */
	public void configureServer(ZMQ.Socket socket, String purpose) {
		if (this.curve != null) {
			this.curve.server(socket, purpose);
		}
	}

	/** CURVE client settings for a socket made elsewhere; see {@link #client}. */
	public void configureClient(ZMQ.Socket socket, String serverKey) {
		if (this.curve != null) {
			this.curve.client(socket, serverKey);
		}
	}

	/**
	 * Creates a plain socket on the calling thread, which then owns it: for inproc sockets
	 * and tests; sockets on the network are made by {@link #server} or {@link #client}.
	 * @param purpose names the socket in refusal reports (an endpoint name, {@code health}, ...)
	 */
	public ZMQ.Socket create(SocketType type, String purpose) {
		return create(type, purpose, NO_LISTENER);
	}

	/**
	 * Creates a socket on the calling thread, which then owns it.
	 * @param purpose names the socket in refusal reports
	 * @param connections told (on a JeroMQ I/O thread, so quickly) when a connection of this
	 * socket has completed its handshake and when one has dropped
	 */
	public ZMQ.Socket create(SocketType type, String purpose, ConnectionListener connections) {
		ZMQ.Socket socket = this.context.createSocket(type);
		socket.setLinger((int) Math.min(Integer.MAX_VALUE, this.linger.toMillis()));
		// JeroMQ 0.6 now and then leaves a new TCP connection without its handshake; only the
		// handshake interval (30 s by default) ends it, so keep that short (jeromq #1022).
		socket.setHandshakeIvl((int) Math.min(Integer.MAX_VALUE, this.handshakeTimeout.toMillis()));
		if (type == SocketType.ROUTER || type == SocketType.DEALER || type == SocketType.REQ
				|| type == SocketType.REP) {
			socket.setRcvHWM(receiveHighWaterMark(this.maxMessageSize));
		}
		if (type != SocketType.PUB && type != SocketType.PUSH) {
			socket.setMaxMsgSize(this.maxMessageSize);
		}
		socket.setEventHook((event) -> onEvent(purpose, event, connections),
				ZMQ.EVENT_DISCONNECTED | ZMQ.EVENT_HANDSHAKE_PROTOCOL | ZMQ.HANDSHAKE_SUCCEEDED
						| ZMQ.HANDSHAKE_FAILED_PROTOCOL);
		return socket;
	}

	/**
	 * How many messages one peer may have received and queued for the socket's owner. JeroMQ
	 * counts messages, not bytes, and its default of 1000 lets one peer that sends large
	 * messages faster than the owner takes them pile up a gigabyte (1000 x 1 MB) before TCP
	 * pushes back. Sized so that a peer can queue about {@link #QUEUED_BYTES_PER_PEER}: 16
	 * messages at the default 1 MB limit, the default 1000 for messages up to 16 KB. The
	 * owner takes them in batches and answers or refuses each at once, so a peer that behaves
	 * never waits on it.
	 */
	static int receiveHighWaterMark(long maxMessageSize) {
		long messages = QUEUED_BYTES_PER_PEER / Math.max(1, maxMessageSize);
		return (int) Math.max(4, Math.min(1000, messages));
	}

	/** What a peer may have queued on a socket, in bytes, through its receive high-water mark. */
	static final long QUEUED_BYTES_PER_PEER = 16L * 1024 * 1024;

	/** The revision that JeroMQ's HANDSHAKE_PROTOCOL event gives ZMTP 3.x (its Protocol.V3's ordinal). */
	private static final int ZMTP_3 = 3;

	/** What a socket's owner may want to know of its connections. */
	public interface ConnectionListener {

		/**
		 * A connection completed its whole handshake, the security mechanism's included (CURVE:
		 * the server holds the key the socket pins): messages sent now reach the peer.
		 */
		void ready();

		/** A connection dropped: what was in flight on it is lost. */
		void dropped();

	}

	/** For a socket whose owner does not watch its connections. */
	public static final ConnectionListener NO_LISTENER = new ConnectionListener() {

		@Override
		public void ready() {
		}

		@Override
		public void dropped() {
		}

	};

	private void onEvent(String purpose, ZEvent event, ConnectionListener connections) {
		if (event.getEvent() == ZMonitor.Event.HANDSHAKE_FAILED_PROTOCOL) {
			// A plain-text peer of a CURVE server (patch 8 reports the mismatch as libzmq does).
			Object code = event.getValue();
			if (this.curve != null && code == ZMonitor.ProtocolCode.ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
				this.denials.denied(purpose, ZapHandler.NO_CURVE);
			}
			return;
		}
		if (event.getEvent() == ZMonitor.Event.HANDSHAKE_SUCCEEDED) {
			connections.ready();
			return;
		}
		if (event.getEvent() == ZMonitor.Event.HANDSHAKE_PROTOCOL) {
			// The greeting only. A ZMTP 3 peer still has its security handshake to pass (CURVE
			// may fail it: patch 9 then tells HANDSHAKE_SUCCEEDED or nothing); a ZMTP 1 or 2 peer
			// has none, and is up now.
			Object version = event.getValue();
			if (version instanceof Integer revision && revision < ZMTP_3) {
				connections.ready();
			}
			return;
		}
		if (event.getEvent() == ZMonitor.Event.DISCONNECTED) {
			connections.dropped();
			onDisconnect(purpose, event);
		}
	}

	/**
	 * JeroMQ reports a dropped connection only as a disconnect; the reason is the I/O thread's
	 * errno when the hook runs on that thread: {@code EMSGSIZE} for a message over the limit,
	 * {@code EPROTO} for a malformed frame or a failed handshake, {@code ETIMEDOUT} for a
	 * handshake that took too long (docs/jeromq-fixes.md, patch 7). Anything else is a peer
	 * that went away, which is nobody's refusal. The errno is cleared so that a later ordinary
	 * disconnect on the same I/O thread is not mistaken for a refusal.
	 */
	private void onDisconnect(String purpose, ZEvent event) {
		Errno errno = new Errno();
		String reason = reasonOf(errno.get());
		errno.set(0);
		if (reason != null) {
			this.refusals.accept(new Refusal(purpose, peerOf(event.getValue()), reason));
		}
	}

	private static String reasonOf(int errno) {
		if (errno == ZError.EMSGSIZE) {
			return Refusal.TOO_LARGE;
		}
		if (errno == ZError.EPROTO) {
			return Refusal.PROTOCOL;
		}
		if (errno == ZError.ETIMEDOUT) {
			return Refusal.HANDSHAKE_TIMEOUT;
		}
		return null;
	}

	private static String peerOf(Object channel) {
		if (channel instanceof SocketChannel socketChannel) {
			try {
				return String.valueOf(socketChannel.getRemoteAddress());
			}
			catch (Exception ex) {
				return "unknown peer";
			}
		}
		return (channel instanceof SelectableChannel) ? "unknown peer" : String.valueOf(channel);
	}

	/**
	 * A peer that ZeroMQ disconnected for something it did.
	 * @param reason {@link #TOO_LARGE}, {@link #PROTOCOL} or {@link #HANDSHAKE_TIMEOUT}: the
	 * {@code reason} tag of {@code agent_peer_disconnects_total}
	 */
	public record Refusal(String socket, String peer, String reason) {

		/** A message over {@code agent.zmq.max-message-size}. */
		public static final String TOO_LARGE = "too_large";

		/** A malformed frame, or a handshake that failed. */
		public static final String PROTOCOL = "protocol";

		/** A handshake not done within {@code agent.zmq.handshake-timeout}. */
		public static final String HANDSHAKE_TIMEOUT = "handshake_timeout";

	}

}
