package dev.agentry.test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A raw JeroMQ peer for tests, used from the test's own thread only: REQ for request/reply,
 * DEALER for many requests in flight. Every receive has a timeout, so a test can never hang
 * on an agent that stays silent.
 */
public final class ZmqTestClient implements AutoCloseable {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final String WARM_UP = "{\"action\":\"health_check\",\"id\":\"warm-up\"}";

	private static final int WARM_UP_ATTEMPTS = 5;

	private final ZContext context = new ZContext(1);

	private final SocketType type;

	private ZMQ.Socket socket;

	/**
	 * Connects and proves the connection with a {@code health_check} round trip (answered by
	 * endpoints and health sockets alike). JeroMQ 0.6 now and then leaves a brand-new TCP
	 * connection without its handshake (jeromq #1022; seen here against libzmq servers too,
	 * never with pyzmq clients): a short handshake interval makes it reconnect, and a
	 * connection that stays silent anyway is replaced, up to five times. After that, every test request is strict: one request, one
	 * reply, or the test fails.
	 */
	private ZmqTestClient(SocketType type, String endpoint, int receiveTimeoutMillis, long maxMessageSize) {
		this(type, endpoint, receiveTimeoutMillis, maxMessageSize, (socket) -> {
		});
	}

	private ZmqTestClient(SocketType type, String endpoint, int receiveTimeoutMillis, long maxMessageSize,
			java.util.function.Consumer<ZMQ.Socket> beforeConnect) {
		this.type = type;
		for (int attempt = 1; attempt <= WARM_UP_ATTEMPTS; attempt++) {
			this.socket = this.context.createSocket(type);
			this.socket.setLinger(0);
			this.socket.setMaxMsgSize(maxMessageSize);
			// Short enough to recover from a stalled handshake, long enough for a loaded machine.
			this.socket.setHandshakeIvl(2000);
			this.socket.setReceiveTimeOut(5000);
			beforeConnect.accept(this.socket);
			this.socket.connect(endpoint);
			send(WARM_UP);
			if (receiveRaw() != null) {
				this.socket.setReceiveTimeOut(receiveTimeoutMillis);
				return;
			}
			this.socket.close();
		}
		this.context.close();
		throw new IllegalStateException("No answer from " + endpoint + " to " + WARM_UP_ATTEMPTS + " health checks");
	}

	public static ZmqTestClient req(String endpoint) {
		return new ZmqTestClient(SocketType.REQ, endpoint, 10_000, -1);
	}

	public static ZmqTestClient dealer(String endpoint) {
		return new ZmqTestClient(SocketType.DEALER, endpoint, 10_000, -1);
	}

	public static ZmqTestClient dealer(String endpoint, int receiveTimeoutMillis) {
		return new ZmqTestClient(SocketType.DEALER, endpoint, receiveTimeoutMillis, -1);
	}

	/** A DEALER set up by {@code beforeConnect} (CURVE keys, say) before it connects. */
	public static ZmqTestClient dealer(String endpoint, java.util.function.Consumer<ZMQ.Socket> beforeConnect) {
		return new ZmqTestClient(SocketType.DEALER, endpoint, 10_000, -1, beforeConnect);
	}

	/**
	 * A DEALER set up by {@code beforeConnect} (CURVE keys, say) before it connects, whose
	 * receives give up after {@code receiveTimeoutMillis}.
	 */
	public static ZmqTestClient dealer(String endpoint, int receiveTimeoutMillis,
			java.util.function.Consumer<ZMQ.Socket> beforeConnect) {
		return new ZmqTestClient(SocketType.DEALER, endpoint, receiveTimeoutMillis, -1, beforeConnect);
	}

	/**
	 * A DEALER that, like an agent's own sockets, refuses (and disconnects) messages over
	 * {@code maxMessageSize} bytes: ZMQ_MAXMSGSIZE is taken when a connection is made, so it
	 * must be set before connecting.
	 */
	public static ZmqTestClient dealerWithMaxMessageSize(String endpoint, long maxMessageSize) {
		return new ZmqTestClient(SocketType.DEALER, endpoint, 10_000, maxMessageSize);
	}

	public ZMQ.Socket socket() {
		return this.socket;
	}

	/** Sends one JSON request (with the empty delimiter on a DEALER) and waits for its reply. */
	public JsonNode call(String json) {
		send(json);
		return receive();
	}

	public void send(String json) {
		sendFrames(json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Acts as a peer that never reads: {@code count} echo requests of about 2 KB each, sent
	 * without waiting (a DEALER), whose replies pile up at the agent until its linger ends.
	 */
	public void floodWithoutReading(int count) {
		this.socket.setSndHWM(0);
		this.socket.setReceiveBufferSize(1024);
		String request = "{\"action\":\"echo\",\"pad\":\"" + "x".repeat(2000) + "\"}";
		for (int i = 0; i < count; i++) {
			this.socket.send(new byte[0], ZMQ.SNDMORE | ZMQ.DONTWAIT);
			this.socket.send(request, ZMQ.DONTWAIT);
		}
	}

	/** Sends a body of raw frames behind the delimiter (a DEALER) or as is (a REQ). */
	public void sendFrames(byte[]... body) {
		if (this.type == SocketType.DEALER) {
			this.socket.send(new byte[0], ZMQ.SNDMORE);
		}
		for (int i = 0; i < body.length; i++) {
			this.socket.send(body[i], (i < body.length - 1) ? ZMQ.SNDMORE : 0);
		}
	}

	/** The next reply, or {@code null} after the receive timeout. */
	public JsonNode receive() {
		List<byte[]> frames = receiveFrames();
		if (frames == null) {
			return null;
		}
		return mapper.readTree(frames.get(frames.size() - 1));
	}

	/** Every frame of the next message as it arrived, or {@code null} after the receive timeout. */
	public List<byte[]> receiveRaw() {
		byte[] first = this.socket.recv(0);
		if (first == null) {
			return null;
		}
		List<byte[]> frames = new ArrayList<>();
		frames.add(first);
		while (this.socket.hasReceiveMore()) {
			frames.add(this.socket.recv(0));
		}
		return frames;
	}

	public List<byte[]> receiveFrames() {
		List<byte[]> frames = receiveRaw();
		if (frames != null && this.type == SocketType.DEALER && frames.size() > 1 && frames.get(0).length == 0) {
			frames.remove(0);
		}
		return frames;
	}

	@Override
	public void close() {
		this.socket.close();
		this.context.close();
	}

}
