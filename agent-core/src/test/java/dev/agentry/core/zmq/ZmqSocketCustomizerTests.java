package dev.agentry.core.zmq;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

class ZmqSocketCustomizerTests {

	private final ZContext context = new ZContext(1);

	private final List<String> seen = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeContext() {
		this.context.close();
	}

	@Test
	void customizersSeeEachSocketWithItsRoleAndNameInTheirOrderAfterTheAgentSettings() {
		List<ZmqSocketCustomizer> customizers = List.of(recording("first"), recording("second"));
		ZmqSockets sockets = new ZmqSockets(this.context, Duration.ofMillis(100), 1024 * 1024, Duration.ofSeconds(2),
				(refusal) -> {
				}, null, (socket, reason) -> {
				}, customizers);
		List<SocketRole> roles = new CopyOnWriteArrayList<>();
		ZmqSocketCustomizer roleRecorder = (socket, role, name) -> roles.add(role);
		ZmqSockets withRoles = new ZmqSockets(this.context, Duration.ofMillis(100), 1024 * 1024, Duration.ofSeconds(2),
				(refusal) -> {
				}, null, (socket, reason) -> {
				}, List.of(roleRecorder));
		sockets.server(SocketType.ROUTER, "main").close();
		sockets.client(SocketType.DEALER, "client-peer", null, ZmqSockets.NO_LISTENER).close();
		assertThat(this.seen).containsExactly("first main ROUTER linger=100 max=1048576 handshake=2000",
				"second main ROUTER linger=100 max=1048576 handshake=2000",
				"first client-peer DEALER linger=100 max=1048576 handshake=2000",
				"second client-peer DEALER linger=100 max=1048576 handshake=2000");
		withRoles.server(SocketType.ROUTER, "main").close();
		withRoles.client(SocketType.DEALER, "client-peer", "some-key", ZmqSockets.NO_LISTENER).close();
		withRoles.create(SocketType.PAIR, "inproc").close();
		assertThat(roles).extracting(SocketRole::side, SocketRole::serverKey)
			.containsExactly(tuple(SocketRole.Side.BIND, null), tuple(SocketRole.Side.CONNECT, "some-key"),
					tuple(SocketRole.Side.PLAIN, null));
	}

	@Test
	void socketsMadeElsewhereGoThroughTheSameSettingsAndCustomizers() {
		ZmqSockets sockets = new ZmqSockets(this.context, Duration.ofMillis(100), 1024 * 1024, Duration.ofSeconds(2),
				(refusal) -> {
				}, null, (socket, reason) -> {
				}, List.of(recording("app")));
		try (ZMQ.Socket pub = this.context.createSocket(SocketType.PUB);
				ZMQ.Socket sub = this.context.createSocket(SocketType.SUB)) {
			sockets.configureServer(pub, "events");
			sockets.configureClient(sub, "events-in", null);
			assertThat(this.seen).containsExactly("app events PUB linger=100 max=-1 handshake=2000",
					"app events-in SUB linger=100 max=1048576 handshake=2000");
		}
	}

	@Test
	void aCustomizerThatThrowsFailsTheSocketClearlyAndClosesIt() {
		ZmqSocketCustomizer broken = (socket, role, name) -> {
			throw new IllegalArgumentException("no such option");
		};
		ZmqSockets sockets = new ZmqSockets(this.context, Duration.ofMillis(100), 1024 * 1024, Duration.ofSeconds(2),
				(refusal) -> {
				}, null, (socket, reason) -> {
				}, List.of(broken));
		assertThatExceptionOfType(ZmqSockets.CustomizerFailure.class)
			.isThrownBy(() -> sockets.server(SocketType.ROUTER, "main"))
			.withMessageContaining(broken.getClass().getName())
			.withMessageContaining("'main' (bind)")
			.withMessageContaining("no such option")
			.withCauseInstanceOf(IllegalArgumentException.class);
		assertThat(this.context.getSockets()).isEmpty();
	}

	private ZmqSocketCustomizer recording(String customizer) {
		return (socket, role, name) -> this.seen.add(customizer + " " + name + " " + socket.getSocketType() + " linger="
				+ socket.getLinger() + " max=" + socket.getMaxMsgSize() + " handshake=" + socket.getHandshakeIvl());
	}

}
