package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.agentry.core.zmq.ZmqSockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The liveness probe against real ROUTER sockets on loopback: one that answers, one that cannot. */
class EndpointLivenessProbeTests {

	private static final EndpointLivenessProbe.Settings FAST = new EndpointLivenessProbe.Settings(
			Duration.ofMillis(100), Duration.ofMillis(300), 3);

	private final ZContext context = new ZContext(1);

	private final ZmqSockets sockets = new ZmqSockets(this.context, Duration.ofMillis(100), 1024 * 1024,
			(refusal) -> {
			});

	private final Queue<Throwable> deaths = new ConcurrentLinkedQueue<>();

	@AfterEach
	void closeContext() {
		this.context.close();
	}

	@Test
	void anEndpointThatNeverAnswersIsDeclaredDeadAfterTheMissedProbes() {
		// Bound and never read: what an endpoint looks like when its socket thread or the I/O
		// thread under it is wedged.
		ZMQ.Socket deaf = this.context.createSocket(SocketType.ROUTER);
		deaf.bind("tcp://127.0.0.1:*");
		EndpointLivenessProbe probe = probe(deaf.getLastEndpoint());
		probe.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.deaths.isEmpty());
		assertThat(this.deaths).hasSize(1);
		assertThat(this.deaths.peek()).hasMessageContaining("did not answer 3 liveness probes in a row");
		probe.stop();
		deaf.close();
		assertThat(this.context.getSockets()).isEmpty();
	}

	@Test
	void anEndpointThatAnswersStaysAlive() throws Exception {
		AtomicBoolean answering = new AtomicBoolean(true);
		String[] bound = new String[1];
		Thread server = new Thread(() -> {
			try (ZMQ.Socket router = this.context.createSocket(SocketType.ROUTER)) {
				router.setReceiveTimeOut(50);
				router.bind("tcp://*:0");
				synchronized (bound) {
					bound[0] = router.getLastEndpoint();
					bound.notifyAll();
				}
				while (answering.get()) {
					byte[] identity = router.recv(0);
					if (identity == null) {
						continue;
					}
					router.recv(0);
					router.recv(0);
					router.send(identity, ZMQ.SNDMORE);
					router.send(new byte[0], ZMQ.SNDMORE);
					router.send("{\"status\":\"ok\"}");
				}
			}
		}, "answering-endpoint");
		server.start();
		synchronized (bound) {
			while (bound[0] == null) {
				bound.wait();
			}
		}
		// Bound to every interface ("tcp://0.0.0.0:port" once bound): the probe comes over loopback.
		EndpointLivenessProbe probe = probe(bound[0]);
		probe.start();
		Thread.sleep(FAST.interval().multipliedBy(FAST.failures() * 5).toMillis());
		probe.stop();
		answering.set(false);
		server.join();
		assertThat(this.deaths).isEmpty();
		assertThat(this.context.getSockets()).isEmpty();
	}

	@Test
	void aZeroIntervalTurnsTheProbeOff() {
		EndpointLivenessProbe probe = new EndpointLivenessProbe(
				List.of(new EndpointLivenessProbe.Target("main", () -> "tcp://127.0.0.1:1")), this.sockets,
				new EndpointLivenessProbe.Settings(Duration.ZERO, Duration.ofSeconds(1), 3), this.deaths::add);
		probe.start();
		assertThat(probe.isRunning()).isTrue();
		assertThat(this.context.getSockets()).isEmpty();
		probe.stop();
		assertThat(probe.isRunning()).isFalse();
	}

	@Test
	void wildcardBindsAreProbedOverLoopback() {
		assertThat(EndpointLivenessProbe.loopbackAddress("tcp://0.0.0.0:5555")).isEqualTo("tcp://127.0.0.1:5555");
		assertThat(EndpointLivenessProbe.loopbackAddress("tcp://*:5555")).isEqualTo("tcp://127.0.0.1:5555");
		assertThat(EndpointLivenessProbe.loopbackAddress("tcp://[::]:5555")).isEqualTo("tcp://[::1]:5555");
		assertThat(EndpointLivenessProbe.loopbackAddress("tcp://10.1.2.3:5555")).isEqualTo("tcp://10.1.2.3:5555");
	}

	private EndpointLivenessProbe probe(String bound) {
		return new EndpointLivenessProbe(List.of(new EndpointLivenessProbe.Target("main", () -> bound)), this.sockets,
				FAST, this.deaths::add);
	}

}
