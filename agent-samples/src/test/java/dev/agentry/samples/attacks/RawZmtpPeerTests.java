package dev.agentry.samples.attacks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.agentry.test.RawZmtpPeer;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit's hand-written ZMTP peer against an in-process JeroMQ ROUTER: its handshake is
 * accepted, its requests arrive as a DEALER's do, replies come back, and its frame headers are
 * byte for byte what the attack tests mean to send.
 */
class RawZmtpPeerTests {

	@Test
	void handshakesAsADealerAndExchangesARequestWithAJeroMqRouter() throws Exception {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
			router.setLinger(0);
			router.setReceiveTimeOut(10_000);
			int port = router.bindToRandomPort("tcp://127.0.0.1");
			try (RawZmtpPeer peer = RawZmtpPeer.connect("127.0.0.1", port, Duration.ofSeconds(10))) {
				peer.sendRequest("{\"action\":\"health_check\"}".getBytes(StandardCharsets.UTF_8));
				byte[] identity = router.recv();
				assertThat(identity).isNotNull();
				assertThat(router.recv()).isEmpty();
				assertThat(router.recvStr()).isEqualTo("{\"action\":\"health_check\"}");
				assertThat(router.hasReceiveMore()).isFalse();
				router.send(identity, ZMQ.SNDMORE);
				router.send(new byte[0], ZMQ.SNDMORE);
				router.send("{\"status\":\"ok\"}");
				assertThat(peer.readReplyText()).isEqualTo("{\"status\":\"ok\"}");
			}
		}
	}

	@Test
	void headersAreWhatTheAttacksSay() {
		assertThat(RawZmtpPeer.longFrameHeader(-1L)).containsExactly(0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				0xff);
		assertThat(RawZmtpPeer.longFrameHeader(1_048_000L)).containsExactly(0x02, 0, 0, 0, 0, 0, 0x0f, 0xfd, 0xc0);
		assertThat(RawZmtpPeer.frameHeader(RawZmtpPeer.MORE, 0)).containsExactly(0x01, 0x00);
	}

}
