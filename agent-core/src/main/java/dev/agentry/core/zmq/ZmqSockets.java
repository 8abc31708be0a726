package dev.agentry.core.zmq;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * The one place where agent-core makes its sockets, and where a new kind of socket is added:
 * {@link #server} for a socket that binds, {@link #client} for one that connects,
 * {@link #create} for an inproc or test socket, and {@link #configureServer} /
 * {@link #configureClient} for a socket that a spring-integration-zeromq component makes
 * (call them from its {@code setSocketConfigurer}).
 * <p>
 * Every socket passes, on the thread that owns it and before it binds or connects, through
 * agent-core's own settings ({@link AgentSocketSettings}: a bounded linger, {@code ZMQ_MAXMSGSIZE}
 * on every socket that receives, a short handshake interval, and CURVE when it is on), then
 * through the application's {@link ZmqSocketCustomizer}s in the order given; and gets an event
 * hook that reports every peer ZeroMQ refused.
 */
public final class ZmqSockets {

	private final ZContext context;

	private final Duration linger;

	private final long maxMessageSize;

	private final Consumer<Refusal> refusals;

	private final Curve curve;

	private final ZapHandler.Denials denials;

	/** agent-core's settings: their exceptions are part of this class's contract (a bad server key). */
	private final List<ZmqSocketCustomizer> own;

	/** The application's customizers, after agent-core's. */
	private final List<ZmqSocketCustomizer> customizers;

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
		this(context, linger, maxMessageSize, handshakeTimeout, refusals, curve, denials, List.of());
	}

	/**
	 * @param customizers the application's, run after agent-core's settings in this order
	 * (the auto-configuration passes the {@link ZmqSocketCustomizer} beans in their
	 * {@code @Order})
	 */
	public ZmqSockets(ZContext context, Duration linger, long maxMessageSize, Duration handshakeTimeout,
			Consumer<Refusal> refusals, Curve curve, ZapHandler.Denials denials,
			List<? extends ZmqSocketCustomizer> customizers) {
		this.context = context;
		this.linger = linger;
		this.maxMessageSize = maxMessageSize;
		this.refusals = refusals;
		this.curve = curve;
		this.denials = denials;
		List<ZmqSocketCustomizer> own = new ArrayList<>();
		own.add(AgentSocketSettings.linger(linger));
		own.add(AgentSocketSettings.handshakeInterval(handshakeTimeout));
		own.add(AgentSocketSettings.receiveLimits(maxMessageSize));
		if (curve != null) {
			own.add(AgentSocketSettings.curve(curve));
		}
		this.own = List.copyOf(own);
		this.customizers = List.copyOf(customizers);
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
	 * @throws CustomizerFailure when an application's customizer failed (the socket is closed)
	 */
	public ZMQ.Socket server(SocketType type, String purpose) {
		return server(type, purpose, NO_LISTENER);
	}

	/** As {@link #server(SocketType, String)}, telling {@code connections} of its connections. */
	public ZMQ.Socket server(SocketType type, String purpose, ConnectionListener connections) {
		return open(type, SocketRole.BIND, purpose, connections);
	}

	/**
	 * Creates a socket that will connect to the server holding {@code serverKey} (Z85; ignored
	 * without CURVE), on the calling thread, which then owns it.
	 * @throws IllegalArgumentException with CURVE on, when {@code serverKey} is not a key
	 * @throws CustomizerFailure when an application's customizer failed (the socket is closed)
	 */
	public ZMQ.Socket client(SocketType type, String purpose, String serverKey, ConnectionListener connections) {
		return open(type, SocketRole.connect(serverKey), purpose, connections);
	}

	/**
	 * The settings of {@link #server} for a socket made elsewhere, which will bind: call it
	 * from a spring-integration-zeromq component's {@code setSocketConfigurer}.
	 * @param purpose names the socket in refusal reports and auth counts
	 */
	public void configureServer(ZMQ.Socket socket, String purpose) {
		configure(socket, SocketRole.BIND, purpose, NO_LISTENER);
	}

	/** As {@link #configureClient(ZMQ.Socket, String, String)} for a socket named {@code stream}. */
	public void configureClient(ZMQ.Socket socket, String serverKey) {
		configureClient(socket, "stream", serverKey);
	}

	/**
	 * The settings of {@link #client} for a socket made elsewhere, which will connect: call it
	 * from a spring-integration-zeromq component's {@code setSocketConfigurer}.
	 * @throws IllegalArgumentException with CURVE on, when {@code serverKey} is not a key
	 */
	public void configureClient(ZMQ.Socket socket, String purpose, String serverKey) {
		configure(socket, SocketRole.connect(serverKey), purpose, NO_LISTENER);
	}

	/**
	 * Creates a socket that neither binds nor connects to peers (no CURVE) on the calling
	 * thread, which then owns it: for inproc sockets and tests; sockets on the network are
	 * made by {@link #server} or {@link #client}.
	 * @param purpose names the socket in refusal reports (an endpoint name, {@code health}, ...)
	 */
	public ZMQ.Socket create(SocketType type, String purpose) {
		return create(type, purpose, NO_LISTENER);
	}

	/**
	 * As {@link #create(SocketType, String)}.
	 * @param purpose names the socket in refusal reports
	 * @param connections told (on a JeroMQ I/O thread, so quickly) when a connection of this
	 * socket has completed its handshake and when one has dropped
	 */
	public ZMQ.Socket create(SocketType type, String purpose, ConnectionListener connections) {
		return open(type, SocketRole.PLAIN, purpose, connections);
	}

	private ZMQ.Socket open(SocketType type, SocketRole role, String purpose, ConnectionListener connections) {
		ZMQ.Socket socket = this.context.createSocket(type);
		try {
			configure(socket, role, purpose, connections);
		}
		catch (RuntimeException ex) {
			// Still on the thread that created it, which owns it: closed here, never bound.
			socket.close();
			throw ex;
		}
		return socket;
	}

	private void configure(ZMQ.Socket socket, SocketRole role, String purpose, ConnectionListener connections) {
		for (ZmqSocketCustomizer customizer : this.own) {
			customizer.customize(socket, role, purpose);
		}
		// Before the application's customizers, like every setting of agent-core's: a customizer
		// that sets an event hook of its own replaces this one (a socket has one), and with it
		// the refusal counts.
		socket.setEventHook((event) -> onEvent(purpose, event, connections),
				ZMQ.EVENT_DISCONNECTED | ZMQ.EVENT_HANDSHAKE_PROTOCOL | ZMQ.HANDSHAKE_SUCCEEDED
						| ZMQ.HANDSHAKE_FAILED_PROTOCOL);
		for (ZmqSocketCustomizer customizer : this.customizers) {
			try {
				customizer.customize(socket, role, purpose);
			}
			catch (RuntimeException ex) {
				throw new CustomizerFailure(customizer, role, purpose, ex);
			}
		}
	}

	/**
	 * An application's {@link ZmqSocketCustomizer} threw: the socket was not made (or, for a
	 * socket made elsewhere, must not be used).
	 */
	public static final class CustomizerFailure extends IllegalStateException {

		CustomizerFailure(ZmqSocketCustomizer customizer, SocketRole role, String purpose, RuntimeException cause) {
			super("Socket customizer " + customizer.getClass().getName() + " failed on socket '" + purpose + "' ("
					+ role.side().name().toLowerCase(Locale.ROOT) + "): " + cause, cause);
		}

	}

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
