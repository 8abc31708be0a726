package dev.agentry.samples.interrupts;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.agentry.core.zmq.ZmqSockets;
import dev.agentry.test.FreePorts;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.integration.zeromq.outbound.ZeroMqMessageHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13: the interrupt PUB bound every interface even when publish-bind named 127.0.0.1,
 * because ZeroMqMessageHandler binds {@code tcp://*:<port>} when given a port.
 */
class InterruptPublisherBindTests {

	/** On Linux every 127/8 address is loopback: a socket bound to every interface answers here, one bound to 127.0.0.1 does not. */
	private static final String OTHER_LOOPBACK = "127.0.0.2";

	@Test
	void publisherBoundToLoopbackPublishesThereAndListensNowhereElse() throws Exception {
		int port = FreePorts.next();
		try (ZContext context = new ZContext(1)) {
			ZeroMqMessageHandler handler = InterruptHandlerApplication.publisher(plain(context), "tcp://127.0.0.1:" + port,
					beans());
			InterruptPublisher publisher = new InterruptPublisher(handler);
			ZMQ.Socket subscriber = context.createSocket(SocketType.SUB);
			handler.start();
			try {
				subscriber.setLinger(0);
				subscriber.setReceiveTimeOut(200);
				subscriber.subscribe(InterruptHandlerApplication.TOPIC);
				subscriber.connect("tcp://127.0.0.1:" + port);
				// A subscription takes a moment to reach the PUB: publish until one arrives.
				await().atMost(Duration.ofSeconds(20)).pollInSameThread().until(() -> {
					publisher.publish("r-1".getBytes(StandardCharsets.UTF_8));
					byte[] topic = subscriber.recv();
					return topic != null && InterruptHandlerApplication.TOPIC.equals(new String(topic, StandardCharsets.UTF_8));
				});
				List<InetAddress> elsewhere = nonLoopbackAddresses();
				if (wildcardBindAnswersOn(InetAddress.getByName(OTHER_LOOPBACK))) {
					elsewhere.add(InetAddress.getByName(OTHER_LOOPBACK));
				}
				for (InetAddress address : elsewhere) {
					assertThatExceptionOfType(IOException.class).as("a connection to %s:%d", address, port)
						.isThrownBy(() -> connect(address, port));
				}
			}
			finally {
				subscriber.close();
				handler.stop();
				handler.destroy();
			}
		}
	}

	@Test
	void publisherBoundToEveryInterfaceListensOnThemAll() throws Exception {
		int port = FreePorts.next();
		try (ZContext context = new ZContext(1)) {
			ZeroMqMessageHandler handler = InterruptHandlerApplication.publisher(plain(context), "tcp://*:" + port,
					beans());
			InterruptPublisher publisher = new InterruptPublisher(handler);
			handler.start();
			try {
				// The socket binds on first use (the handler is reactive).
				publisher.publish("r-1".getBytes(StandardCharsets.UTF_8));
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> connect(InetAddress.getLoopbackAddress(), port));
				for (InetAddress address : nonLoopbackAddresses()) {
					connect(address, port);
				}
			}
			finally {
				handler.stop();
				handler.destroy();
			}
		}
	}

	/** What the handler needs of a Spring Integration application context. */
	private static DefaultListableBeanFactory beans() {
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		beans.registerSingleton("integrationEvaluationContext", new StandardEvaluationContext());
		return beans;
	}

	private static void connect(InetAddress address, int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, port), 2000);
		}
	}

	/** Whether this platform routes {@code address} to a socket bound to every interface (Linux does). */
	private static boolean wildcardBindAnswersOn(InetAddress address) {
		try (ServerSocket server = new ServerSocket(0)) {
			connect(address, server.getLocalPort());
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
		List<InetAddress> addresses = new ArrayList<>();
		for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (network.isUp() && !network.isLoopback()) {
				Collections.list(network.getInetAddresses())
					.stream()
					.filter((address) -> address instanceof Inet4Address)
					.forEach(addresses::add);
			}
		}
		return addresses;
	}


	/** The agent's sockets without CURVE, on this test's context. */
	private static ZmqSockets plain(ZContext context) {
		return new ZmqSockets(context, Duration.ofMillis(100), 1024 * 1024, (refusal) -> {
		});
	}

}
