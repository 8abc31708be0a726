package dev.agentry.core.zmq;

import java.util.ArrayList;
import java.util.List;

import dev.agentry.core.trust.PeerIdentity;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.Msg;

/**
 * A message read from a ROUTER socket, split into its routing envelope and its body. REQ
 * peers and DEALER peers that send an empty delimiter produce {@code [identity][...][""][body]};
 * the envelope is everything up to and including the delimiter, and goes back unchanged in
 * front of the reply, which is what lets REQ sockets and envelope-based correlation work.
 * A DEALER that sends no delimiter gets its reply without one.
 */
public final class Envelope {

	private final List<byte[]> routing;

	private final List<byte[]> body;

	private final String peer;

	private Envelope(List<byte[]> routing, List<byte[]> body, String peer) {
		this.routing = routing;
		this.body = body;
		this.peer = peer;
	}

	/** Reads one whole message without blocking, or returns {@code null} when none is waiting. */
	public static Envelope receive(ZMQ.Socket router) {
		Msg identity = router.recvMsg(ZMQ.DONTWAIT);
		if (identity == null) {
			return null;
		}
		List<byte[]> frames = new ArrayList<>(4);
		frames.add(identity.data());
		Msg last = identity;
		while (router.hasReceiveMore()) {
			// The rest of a multipart message has arrived with its first frame: this never waits.
			last = router.recvMsg(0);
			frames.add(last.data());
		}
		// The connection's metadata rides on the frames that came from the peer, not on the
		// routing id that the ROUTER prepends.
		return split(frames, PeerIdentity.of(last));
	}

	static Envelope split(List<byte[]> frames) {
		return split(frames, null);
	}

	static Envelope split(List<byte[]> frames, String peer) {
		int delimiter = -1;
		for (int i = 1; i < frames.size(); i++) {
			if (frames.get(i).length == 0) {
				delimiter = i;
				break;
			}
		}
		int bodyStart = (delimiter >= 0) ? delimiter + 1 : 1;
		return new Envelope(List.copyOf(frames.subList(0, bodyStart)), List.copyOf(frames.subList(bodyStart, frames.size())),
				peer);
	}

	/**
	 * Who sent it ({@link PeerIdentity}): the CURVE key that ZAP vouched for, the routing id
	 * the peer chose, or {@code null} for an anonymous peer.
	 */
	public String peer() {
		return this.peer;
	}

	/** The request body when it is exactly one frame, else {@code null}. */
	public byte[] singleBody() {
		return (this.body.size() == 1) ? this.body.get(0) : null;
	}

	public int bodySize() {
		int size = 0;
		for (byte[] frame : this.body) {
			size += frame.length;
		}
		return size;
	}

	/**
	 * Sends the reply behind the envelope without blocking: a peer that has gone or stopped
	 * reading costs a dropped reply, never a stuck loop.
	 * @return whether ZeroMQ took the reply; on a mandatory ROUTER, {@code false} tells that
	 * the peer has gone or is not reading
	 */
	public boolean reply(ZMQ.Socket router, byte[] reply) {
		if (send(router, reply)) {
			return true;
		}
		// The socket learns that its peer's I/O thread has drained the pipe only when it
		// processes its commands, which a burst of sends does only now and then (JeroMQ
		// throttles it): a pipe can look full at the high-water mark while it is empty.
		// Reading the events processes them; a peer whose pipe is still full is not reading.
		router.getEvents();
		return send(router, reply);
	}

	private boolean send(ZMQ.Socket router, byte[] reply) {
		try {
			for (byte[] frame : this.routing) {
				if (!router.send(frame, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
					return false;
				}
			}
			return router.send(reply, ZMQ.DONTWAIT);
		}
		catch (ZMQException ex) {
			// A mandatory ROUTER refuses a peer that has gone (EHOSTUNREACH): nothing was sent.
			return false;
		}
	}

}
