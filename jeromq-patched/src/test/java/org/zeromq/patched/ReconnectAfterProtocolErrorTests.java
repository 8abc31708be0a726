package org.zeromq.patched;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connecting socket that refuses one message over its size limit drops that connection. In
 * stock JeroMQ 0.6.0 it never makes it again: every later message to that peer is stuck,
 * while the peer is up. Patched, it reconnects as it does after any connection error.
 */
// A stock JeroMQ can spin or hang here (that is the defect): fail, never hang the build.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReconnectAfterProtocolErrorTests {

	@Test
	void aConnectingSocketReconnectsAfterRefusingATooLargeMessage() throws InterruptedException {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
			router.setLinger(0);
			router.setReceiveTimeOut(200);
			router.bind("tcp://127.0.0.1:*");
			ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
			dealer.setLinger(0);
			dealer.setMaxMsgSize(1024);
			dealer.setReceiveTimeOut(10_000);
			dealer.setReconnectIVL(50);
			dealer.connect(router.getLastEndpoint());

			dealer.send("first");
			byte[] first = receiveFrom(router, 50);
			assertThat(first).isNotNull();
			router.send(first, ZMQ.SNDMORE);
			router.send(new byte[2048], 0);

			// The dealer drops that connection on the large message. Until it has made a new one,
			// what it sends may still leave on the old one (and its answer be lost with it), so
			// it asks until a message arrives from a new connection: a new routing id. Stock
			// JeroMQ never connects again, and nothing more arrives.
			byte[] again = null;
			for (int i = 0; i < 50 && (again == null || Arrays.equals(again, first)); i++) {
				dealer.send("again", ZMQ.DONTWAIT);
				again = receiveFrom(router, 1);
			}
			assertThat(again).as("the dealer never connected again").isNotNull().isNotEqualTo(first);
			router.send(again, ZMQ.SNDMORE);
			router.send("small");
			String reply;
			do {
				reply = dealer.recvStr(0);
			}
			while (reply != null && !reply.equals("small"));
			assertThat(reply).isEqualTo("small");
		}
	}

	/** The routing id of the next message, its body dropped; {@code null} after the tries. */
	private static byte[] receiveFrom(ZMQ.Socket router, int tries) {
		for (int i = 0; i < tries; i++) {
			byte[] identity = router.recv(0);
			if (identity != null) {
				router.recv(0);
				return identity;
			}
		}
		return null;
	}

}
