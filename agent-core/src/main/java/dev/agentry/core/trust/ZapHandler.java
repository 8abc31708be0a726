package dev.agentry.core.trust;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.agentry.core.zmq.SocketPoller;
import dev.agentry.core.zmq.ZmqLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The agent's ZAP handler (ZeroMQ RFC 27): every CURVE server socket of the context asks it,
 * during each handshake, whether the client's long-term key is authorized. The answer sets
 * the connection's {@code User-Id} to that key, which is how a request's caller is known.
 * A refused peer gets no connection (ZeroMQ sends it an ERROR command), is counted by socket
 * (the ZAP domain, which agent-core sets to the socket's name) and reason, and is logged once
 * per key, socket and reason, for at most {@link #LOGGED_PER_MINUTE} keys a minute. JeroMQ's {@code ZAuth} is not used: it neither counts nor tells
 * which socket refused, and it reads every file of its folder, secrets included.
 * <p>
 * It is bound before any CURVE socket binds and closed after the last one has closed (the
 * agent's context owns it): JeroMQ lets a CURVE client in without a ZAP handler unless the
 * socket names a ZAP domain (docs/jeromq-fixes.md, patch 8).
 */
public final class ZapHandler {

	/** Where ZeroMQ sends ZAP requests (RFC 27). */
	static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";

	/** Peers refused by reason, as {@code agent_auth_denied_total} tags them. */
	public static final String UNKNOWN_KEY = "unknown_key";

	public static final String NO_CURVE = "no_curve";

	/** How many refused keys are logged a minute, at most. */
	static final int LOGGED_PER_MINUTE = 10;

	private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

	/** How many (key, socket, reason) refusals are remembered as logged; beyond, the oldest is forgotten. */
	static final int LOGGED_REFUSALS = 4096;

	private static final Log logger = LogFactory.getLog(ZapHandler.class);

	private final AuthorizedKeys keys;

	/** The agent's own key, always let in: its liveness probe connects to its own endpoints. */
	private final String ownKey;

	private final Denials denials;

	private final Loop loop;

	/** Told of every refusal, on the ZAP handler's thread. */
	@FunctionalInterface
	public interface Denials {

		void denied(String socket, String reason);

	}

	public ZapHandler(ZContext context, AuthorizedKeys keys, String ownKey, Denials denials,
			Consumer<Throwable> onCrash) {
		this.keys = keys;
		this.ownKey = ownKey;
		this.denials = denials;
		this.loop = new Loop(context, onCrash);
	}

	/** Binds the handler; returns once it answers. */
	public void start() {
		this.loop.start(Duration.ofSeconds(10));
	}

	/** Closes the handler; safe to call more than once. */
	public void stop(Duration timeout) {
		if (this.loop.isStarted() && !this.loop.isTerminated()) {
			this.loop.requestStop();
			this.loop.awaitTermination(timeout);
		}
	}

	private final class Loop extends ZmqLoop {

		private ZMQ.Socket rep;

		private long windowStart = System.nanoTime();

		private int loggedInWindow;

		private long suppressed;

		private final Map<String, Boolean> logged = new LinkedHashMap<>(64, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
				return size() > LOGGED_REFUSALS;
			}

		};

		Loop(ZContext context, Consumer<Throwable> onCrash) {
			super("agent-zap-handler", context, onCrash);
		}

		@Override
		protected void open(SocketPoller poller) {
			this.rep = context().createSocket(SocketType.REP);
			this.rep.setLinger(0);
			this.rep.bind(ZAP_ENDPOINT);
			poller.register(this.rep, SocketPoller.POLLIN);
		}

		@Override
		protected void onPoll(SocketPoller poller) {
			List<byte[]> request;
			while ((request = receive()) != null) {
				answer(request);
			}
		}



		@Override
		protected void close() {
			if (this.rep != null) {
				this.rep.close();
			}
		}

		private List<byte[]> receive() {
			byte[] first = this.rep.recv(ZMQ.DONTWAIT);
			if (first == null) {
				return null;
			}
			List<byte[]> frames = new ArrayList<>(7);
			frames.add(first);
			while (this.rep.hasReceiveMore()) {
				frames.add(this.rep.recv(0));
			}
			return frames;
		}

		/** version, request id, domain, address, identity, mechanism, credentials... */
		private void answer(List<byte[]> request) {
			if (request.size() < 6) {
				// Only the context's own sessions can reach this inproc endpoint; still, a REP must answer.
				reply(request, "500", "malformed ZAP request", "");
				return;
			}
			String domain = text(request.get(2));
			String address = text(request.get(3));
			String mechanism = text(request.get(5));
			if (!"CURVE".equals(mechanism) || request.size() < 7 || request.get(6).length != ZMQ.Curve.KEY_SIZE) {
				deny(request, domain, address, mechanism, NO_CURVE);
				return;
			}
			String clientKey = ZMQ.Curve.z85Encode(request.get(6));
			if (!clientKey.equals(ownKey) && keys.lookup(clientKey).isEmpty()) {
				deny(request, domain, address, clientKey, UNKNOWN_KEY);
				return;
			}
			reply(request, "200", "OK", clientKey);
		}

		private void deny(List<byte[]> request, String domain, String address, String who, String reason) {
			denials.denied(domain, reason);
			if (this.logged.put(who + '\u0000' + domain + '\u0000' + reason, Boolean.TRUE) == null && mayLog()) {
				logger.warn("Refused a peer on socket '" + domain + "' (" + reason + "): "
						+ (UNKNOWN_KEY.equals(reason) ? "key " + who + " is not in agent.zmq.curve.authorized-keys"
								: "mechanism " + who + ", not CURVE")
						+ ", from " + address + "; further refusals of it are only counted");
			}
			reply(request, "400", "not authorized", "");
		}

		/**
		 * At most {@link #LOGGED_PER_MINUTE} refused keys are logged a minute: a peer that makes
		 * up a new key for every attempt must not fill the log. What is left out is told in one
		 * line when the next minute begins; agent_auth_denied_total counts every refusal.
		 */
		private boolean mayLog() {
			long now = System.nanoTime();
			if (now - this.windowStart >= WINDOW_NANOS) {
				if (this.suppressed > 0) {
					logger.warn(this.suppressed + " further refused key(s) were not logged in the last minute "
							+ "(at most " + LOGGED_PER_MINUTE + " a minute); agent_auth_denied_total counts them all");
				}
				this.windowStart = now;
				this.loggedInWindow = 0;
				this.suppressed = 0;
			}
			if (this.loggedInWindow < LOGGED_PER_MINUTE) {
				this.loggedInWindow++;
				return true;
			}
			this.suppressed++;
			return false;
		}

		private void reply(List<byte[]> request, String status, String text, String userId) {
			this.rep.send("1.0", ZMQ.SNDMORE);
			this.rep.send((request.size() > 1) ? request.get(1) : new byte[0], ZMQ.SNDMORE);
			this.rep.send(status, ZMQ.SNDMORE);
			this.rep.send(text, ZMQ.SNDMORE);
			this.rep.send(userId, ZMQ.SNDMORE);
			this.rep.send(new byte[0], 0);
		}

		private static String text(byte[] frame) {
			String text = new String(frame, StandardCharsets.UTF_8);
			// Only logged; bounded so that a long domain or address cannot fill a log line.
			return (text.length() > 128) ? text.substring(0, 128) + "..." : text;
		}

	}

}
