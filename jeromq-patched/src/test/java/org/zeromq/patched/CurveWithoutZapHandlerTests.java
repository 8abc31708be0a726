package org.zeromq.patched;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CURVE server asks the context's ZAP handler about each client's key. Stock JeroMQ 0.6.0
 * lets every client in when no ZAP handler is bound (before it binds, after it closed), so a
 * server that meant to authenticate its peers authenticates nobody. Patched, a server that
 * names a ZAP domain fails closed, as libzmq does with ZMQ_ZAP_ENFORCE_DOMAIN; and a
 * plain-text peer of a CURVE server is reported as a mechanism mismatch, as libzmq reports it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CurveWithoutZapHandlerTests {

	@Test
	void aServerWithAZapDomainRefusesEveryoneWhenNoZapHandlerAnswers() {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
			ZMQ.Socket router = curveServer(context, server);
			router.setZapDomain("endpoint");
			router.bind("tcp://127.0.0.1:*");
			assertThat(answers(context, router, server)).as("a stranger's key was let in without a ZAP handler").isFalse();
		}
	}

	@Test
	void aServerWithoutZapDomainStillAcceptsEveryoneAsZeroMqDoes() {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
			ZMQ.Socket router = curveServer(context, server);
			router.bind("tcp://127.0.0.1:*");
			assertThat(answers(context, router, server)).isTrue();
		}
	}

	@Test
	void aPlainTextPeerOfACurveServerIsReportedAsAMechanismMismatch() throws InterruptedException {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
			ZMQ.Socket router = curveServer(context, server);
			List<Object> failures = new CopyOnWriteArrayList<>();
			router.setEventHook((event) -> failures.add(event.getValue()), ZMQ.HANDSHAKE_FAILED_PROTOCOL);
			router.bind("tcp://127.0.0.1:*");
			ZMQ.Socket plain = context.createSocket(SocketType.DEALER);
			plain.setLinger(0);
			plain.connect(router.getLastEndpoint());
			plain.send("hello");
			for (int i = 0; i < 100 && failures.isEmpty(); i++) {
				Thread.sleep(50);
			}
			assertThat(failures).contains(ZMonitor.ProtocolCode.ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
		}
	}

	private static ZMQ.Socket curveServer(ZContext context, ZMQ.Curve.KeyPair keys) {
		ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
		router.setLinger(0);
		router.setReceiveTimeOut(2000);
		router.setCurveServer(true);
		router.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey));
		return router;
	}

	/** Whether a client with a fresh key gets a message through to the server. */
	private static boolean answers(ZContext context, ZMQ.Socket router, ZMQ.Curve.KeyPair server) {
		ZMQ.Curve.KeyPair stranger = ZMQ.Curve.generateKeyPair();
		ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
		dealer.setLinger(0);
		dealer.setCurvePublicKey(ZMQ.Curve.z85Decode(stranger.publicKey));
		dealer.setCurveSecretKey(ZMQ.Curve.z85Decode(stranger.secretKey));
		dealer.setCurveServerKey(ZMQ.Curve.z85Decode(server.publicKey));
		dealer.connect(router.getLastEndpoint());
		dealer.send("hello");
		byte[] identity = router.recv(0);
		return identity != null && "hello".equals(router.recvStr(0));
	}

}
