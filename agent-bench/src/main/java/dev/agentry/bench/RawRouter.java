package dev.agentry.bench;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The baseline for the endpoint: what a hand-written JeroMQ service does per request, and no
 * more. One ROUTER on one thread echoes every message (identity, delimiter, body) back as it
 * came. {@code java -jar agent-bench.jar raw-router <bind>}; no Spring, no shutdown handling.
 */
final class RawRouter {

	private RawRouter() {
	}

	static void run(String bind) {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
			router.setLinger(0);
			router.bind(bind);
			System.out.println("raw router bound to " + bind);
			System.out.flush();
			while (!Thread.currentThread().isInterrupted()) {
				byte[] frame = router.recv(0);
				if (frame == null) {
					break;
				}
				boolean more = router.hasReceiveMore();
				router.send(frame, more ? ZMQ.SNDMORE : 0);
				while (more) {
					frame = router.recv(0);
					more = router.hasReceiveMore();
					router.send(frame, more ? ZMQ.SNDMORE : 0);
				}
			}
		}
	}

}
