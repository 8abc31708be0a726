package dev.agentry.core.zmq;

import org.zeromq.ZMQ;

/**
 * Sees every socket that agent-core opens for peers (request endpoints, the health socket,
 * agent clients, the registry client, the liveness probe, and the spring-integration-zeromq
 * streams that go through {@link ZmqSockets#configureServer}/{@link ZmqSockets#configureClient}),
 * on the thread that owns it, after it is created and before it binds or connects.
 * <p>
 * agent-core's own settings (linger, {@code ZMQ_MAXMSGSIZE}, the handshake interval, CURVE)
 * are customizers too and always run first; the application's customizer beans run after
 * them, in their {@code @Order}/{@link org.springframework.core.Ordered} order, so they may
 * change what agent-core set. A customizer that throws fails the socket's creation: the
 * socket is closed and a {@link ZmqSockets.CustomizerFailure} names the customizer and the
 * socket (an endpoint or the health socket then fails the start, an agent client's loop
 * stops and liveness goes DOWN).
 * <p>
 * The one socket it does not see is the ZAP handler's inproc REP socket (ZeroMQ RFC 27), whose
 * settings the CURVE handshake depends on: a customizer that made it a CURVE server, say,
 * would lock every peer out.
 */
@FunctionalInterface
public interface ZmqSocketCustomizer {

	/**
	 * @param socket the new socket; its type is {@code socket.getSocketType()}
	 * @param role whether it binds or connects, and the server key a connecting socket pins
	 * @param name the socket's name in metrics and logs: an endpoint's name, {@code health},
	 * {@code client-<name>} ({@code client-registry} for the registry client),
	 * {@code liveness-probe}, a stream's name
	 */
	void customize(ZMQ.Socket socket, SocketRole role, String name);

}
