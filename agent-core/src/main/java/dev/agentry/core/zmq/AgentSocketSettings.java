package dev.agentry.core.zmq;

import java.time.Duration;

import org.zeromq.SocketType;

import dev.agentry.core.trust.Curve;

/**
 * agent-core's own socket settings, each a {@link ZmqSocketCustomizer} that {@link ZmqSockets}
 * runs before the application's: one place for what every socket of an agent gets.
 */
final class AgentSocketSettings {

	/** What a peer may have queued on a socket, in bytes, through its receive high-water mark. */
	static final long QUEUED_BYTES_PER_PEER = 16L * 1024 * 1024;

	private AgentSocketSettings() {
	}

	/**
	 * A bounded linger on every socket: JeroMQ's {@code ZContext} defaults to 0, which drops
	 * replies that are still queued at close.
	 */
	static ZmqSocketCustomizer linger(Duration linger) {
		int millis = toMillis(linger);
		return (socket, role, name) -> socket.setLinger(millis);
	}

	/**
	 * JeroMQ 0.6 now and then leaves a new TCP connection without its handshake; only the
	 * handshake interval (30 s by default) ends it, so keep that short (jeromq #1022).
	 */
	static ZmqSocketCustomizer handshakeInterval(Duration handshakeTimeout) {
		int millis = toMillis(handshakeTimeout);
		return (socket, role, name) -> socket.setHandshakeIvl(millis);
	}

	/**
	 * {@code ZMQ_MAXMSGSIZE} on every socket that receives (every type but PUB and PUSH), and a
	 * receive high-water mark sized in bytes on the request-reply types.
	 */
	static ZmqSocketCustomizer receiveLimits(long maxMessageSize) {
		int highWaterMark = receiveHighWaterMark(maxMessageSize);
		return (socket, role, name) -> {
			SocketType type = socket.getSocketType();
			if (type == SocketType.ROUTER || type == SocketType.DEALER || type == SocketType.REQ
					|| type == SocketType.REP) {
				socket.setRcvHWM(highWaterMark);
			}
			if (type != SocketType.PUB && type != SocketType.PUSH) {
				socket.setMaxMsgSize(maxMessageSize);
			}
		};
	}

	/**
	 * With CURVE on, every socket that binds is a CURVE server and every socket that connects
	 * a CURVE client pinning its server's key.
	 * @throws IllegalArgumentException (from the customizer) when a connecting socket's server
	 * key is not a key
	 */
	static ZmqSocketCustomizer curve(Curve curve) {
		return (socket, role, name) -> {
			if (role.binds()) {
				curve.server(socket, name);
			}
			else if (role.connects()) {
				curve.client(socket, role.serverKey());
			}
		};
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

	private static int toMillis(Duration duration) {
		return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
	}

}
