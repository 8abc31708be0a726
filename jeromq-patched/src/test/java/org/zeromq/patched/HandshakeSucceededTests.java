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
 * When is a connection up? Stock JeroMQ 0.6.0 raises HANDSHAKE_PROTOCOL after the ZMTP
 * greeting, before the security mechanism's handshake, and never HANDSHAKE_SUCCEEDED: a CURVE
 * client that pins a key its server does not hold looks connected, again and again, while no
 * message ever gets through. Patched, HANDSHAKE_SUCCEEDED comes once the mechanism is ready,
 * as in libzmq, and never for a handshake that fails.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandshakeSucceededTests {

	@Test
	void aCurveClientIsToldItsHandshakeSucceededOnlyWithTheServersKey() throws InterruptedException {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
			ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
			router.setLinger(0);
			router.setCurveServer(true);
			router.setCurveSecretKey(ZMQ.Curve.z85Decode(server.secretKey));
			router.bind("tcp://127.0.0.1:*");
			List<ZMonitor.Event> right = events(context, router.getLastEndpoint(), server.publicKey);
			List<ZMonitor.Event> wrong = events(context, router.getLastEndpoint(), ZMQ.Curve.generateKeyPair().publicKey);
			for (int i = 0; i < 100 && !right.contains(ZMonitor.Event.HANDSHAKE_SUCCEEDED); i++) {
				Thread.sleep(50);
			}
			assertThat(right).as("events with the server's key").contains(ZMonitor.Event.HANDSHAKE_SUCCEEDED);
			// The wrong key's connection fails its handshake and is made again, more than once by now.
			for (int i = 0; i < 100 && wrong.stream().filter(ZMonitor.Event.DISCONNECTED::equals).count() < 2; i++) {
				Thread.sleep(50);
			}
			assertThat(wrong).as("events with another key").contains(ZMonitor.Event.DISCONNECTED)
				.doesNotContain(ZMonitor.Event.HANDSHAKE_SUCCEEDED);
		}
	}

	private static List<ZMonitor.Event> events(ZContext context, String endpoint, String serverKey) {
		ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
		ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
		dealer.setLinger(0);
		dealer.setReconnectIVL(50);
		dealer.setCurvePublicKey(ZMQ.Curve.z85Decode(client.publicKey));
		dealer.setCurveSecretKey(ZMQ.Curve.z85Decode(client.secretKey));
		dealer.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
		List<ZMonitor.Event> events = new CopyOnWriteArrayList<>();
		dealer.setEventHook((event) -> events.add(event.getEvent()),
				ZMQ.EVENT_DISCONNECTED | ZMQ.EVENT_HANDSHAKE_PROTOCOL | ZMQ.HANDSHAKE_SUCCEEDED);
		dealer.connect(endpoint);
		return events;
	}

}
