package dev.agentry.core.zmq;

/**
 * What a socket does on the network, as a {@link ZmqSocketCustomizer} sees it.
 * @param side whether it binds, connects, or is neither (an inproc socket or a test's)
 * @param serverKey for a socket that connects, the Z85 public key of the server it pins when
 * CURVE is on; {@code null} otherwise
 */
public record SocketRole(Side side, String serverKey) {

	/** A socket that binds: with CURVE on, a CURVE server that ZAP authenticates. */
	public static final SocketRole BIND = new SocketRole(Side.BIND, null);

	/** A socket that neither binds nor connects to peers (inproc, tests): no CURVE. */
	public static final SocketRole PLAIN = new SocketRole(Side.PLAIN, null);

	/** A socket that connects to the server holding {@code serverKey} (ignored without CURVE). */
	public static SocketRole connect(String serverKey) {
		return new SocketRole(Side.CONNECT, serverKey);
	}

	public boolean binds() {
		return this.side == Side.BIND;
	}

	public boolean connects() {
		return this.side == Side.CONNECT;
	}

	public enum Side {

		BIND, CONNECT, PLAIN

	}

}
