package dev.agentry.samples.demo;

import java.util.function.Consumer;

import java.nio.charset.StandardCharsets;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JeroMQ DEALER connection to an agent, used by one thread, as the wire protocol of
 * DESIGN.md describes a client: an empty delimiter frame, then one JSON frame; the reply
 * comes back behind the delimiter.
 *
 * <p>JeroMQ 0.6 now and then leaves a brand-new TCP connection without its handshake
 * (jeromq #1022): a short handshake interval makes it reconnect, and {@link #open} proves
 * each connection with a {@code health_check} round trip, replacing a silent one up to five
 * times, before the demo counts anything on it.
 */
final class DemoSocket implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String WARM_UP = "{\"action\":\"health_check\",\"id\":\"warm-up\"}";

	private static final int WARM_UP_ATTEMPTS = 5;

	private static final int WARM_UP_TIMEOUT_MILLIS = 5000;

	private final ZMQ.Socket socket;

	private DemoSocket(ZMQ.Socket socket) {
		this.socket = socket;
	}

	/**
	 * A proven connection, or {@code null} when five fresh sockets in a row got no answer to a
	 * health check.
	 */
	static DemoSocket open(ZMQ.Context context, String endpoint, Consumer<ZMQ.Socket> setUp,
			int receiveTimeoutMillis) {
		for (int attempt = 1; attempt <= WARM_UP_ATTEMPTS; attempt++) {
			DemoSocket candidate = connect(context, endpoint, setUp, WARM_UP_TIMEOUT_MILLIS);
			candidate.send(WARM_UP);
			if (candidate.receive() != null) {
				candidate.socket.setReceiveTimeOut(receiveTimeoutMillis);
				return candidate;
			}
			candidate.close();
		}
		return null;
	}

	/** One request on a fresh socket; the reply, or {@code null} after the timeout. */
	static JsonNode call(ZMQ.Context context, String endpoint, Consumer<ZMQ.Socket> setUp, String json,
			int timeoutMillis) {
		try (DemoSocket socket = connect(context, endpoint, setUp, timeoutMillis)) {
			socket.send(json);
			return socket.receive();
		}
	}

	/** @param setUp CURVE client settings (the agent's key), applied before connecting */
	private static DemoSocket connect(ZMQ.Context context, String endpoint, Consumer<ZMQ.Socket> setUp,
			int receiveTimeoutMillis) {
		ZMQ.Socket socket = context.socket(SocketType.DEALER);
		socket.setLinger(0);
		socket.setHandshakeIvl(2000);
		socket.setReceiveTimeOut(receiveTimeoutMillis);
		setUp.accept(socket);
		socket.connect(endpoint);
		return new DemoSocket(socket);
	}

	void send(String json) {
		this.socket.send(new byte[0], ZMQ.SNDMORE);
		this.socket.send(json.getBytes(StandardCharsets.UTF_8), 0);
	}

	/**
	 * The next reply's JSON, or {@code null} after the receive timeout. A reply that is not
	 * JSON is returned as a JSON string node, so that the caller sees it rather than a
	 * timeout.
	 */
	JsonNode receive() {
		byte[] frame = this.socket.recv(0);
		if (frame == null) {
			return null;
		}
		byte[] last = frame;
		while (this.socket.hasReceiveMore()) {
			last = this.socket.recv(0);
		}
		try {
			return JSON.readTree(last);
		}
		catch (JacksonException ex) {
			return JSON.getNodeFactory().stringNode(new String(last, StandardCharsets.UTF_8));
		}
	}

	@Override
	public void close() {
		this.socket.close();
	}

}
