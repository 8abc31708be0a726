package dev.agentry.samples.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged hub and registry as child JVMs, fed registrations as anyone who can reach
 * the registry could: the hub polls only health endpoints on the registered host, and
 * keeps at most {@link PollTargets#MAX_PEERS} peers and series however many register.
 */
class HubBoundsIT {

	private static final Path JAR = Path.of("target", "agent-samples.jar");

	private static Path dir;

	private static AgentProcess registry;

	private static AgentProcess hub;

	@BeforeAll
	static void start() throws Exception {
		dir = Files.createTempDirectory("agentry-hub-bounds");
		registry = AgentLauncher.jar(JAR, "service-registry").directory(dir).start().awaitReady(Duration.ofSeconds(90));
		hub = AgentLauncher.jar(JAR, "observability-hub")
			.directory(dir)
			.property("agent.registry.endpoint", registry.endpoint())
			.property("agent.registry.heartbeat-interval", "500ms")
			.start()
			.awaitReady(Duration.ofSeconds(90));
	}

	@AfterAll
	static void stop() {
		for (AgentProcess agent : new AgentProcess[] { hub, registry }) {
			if (agent != null) {
				agent.close();
			}
		}
	}

	@Test
	void aHealthEndpointOnAnotherHostThanItsEndpointIsNeverPolled() throws Exception {
		try (FakeHealth near = new FakeHealth("127.0.0.1"); FakeHealth far = new FakeHealth("127.0.0.2")) {
			register("probe", "near", "tcp://127.0.0.1:" + FreePorts.next(), near.endpoint);
			register("probe", "far", "tcp://127.0.0.1:" + FreePorts.next(), far.endpoint);
			await("the hub polls the health endpoint on the registered host").atMost(Duration.ofSeconds(30))
				.until(() -> near.received.get() >= 2);
			assertThat(agents()).filteredOn((agent) -> agent.path("service").asString().equals("probe"))
				.extracting((agent) -> agent.path("instance").asString())
				.containsExactly("near");
			assertThat(far.received.get()).as("polls of a health endpoint on another host").isZero();
			deregister("probe", "near");
			deregister("probe", "far");
		}
	}

	@Test
	void peersAndSeriesStayBoundedWhenManyRegisterAndGoWhenTheyLeave() {
		int flood = 300;
		try (ZmqTestClient client = ZmqTestClient.dealer(registry.endpoint(), 10_000)) {
			for (int i = 0; i < flood; i++) {
				JsonNode reply = client.call(registration("flood-" + (i % 2), "f-" + i, 40000 + i));
				assertThat(reply.path("status").asString()).as("registration %d: %s", i, reply).isEqualTo("ok");
			}
		}
		// At its bound: a health endpoint dropped within the last minute (another test's) may
		// still hold one of the sockets, and so one of the places.
		await("the hub at its bound").atMost(Duration.ofSeconds(60))
			.until(() -> agents().size() >= PollTargets.MAX_PEERS - 5);
		assertThat(agents()).as("peers the hub polls").hasSizeLessThanOrEqualTo(PollTargets.MAX_PEERS);
		assertThat(agents()).as("the hub itself, registered before the flood, keeps its place")
			.anySatisfy((agent) -> assertThat(agent.path("service").asString()).isEqualTo("observability-hub"));
		assertThat(peerUpSeries()).as("agent_peer_up series").isBetween(1L, (long) PollTargets.MAX_PEERS);
		try (ZmqTestClient client = ZmqTestClient.dealer(registry.endpoint(), 10_000)) {
			for (int i = 0; i < flood; i++) {
				client.call("{\"action\":\"deregister\",\"service\":\"flood-" + (i % 2) + "\",\"instance\":\"f-" + i
						+ "\"}");
			}
		}
		await("the hub drops the instances no longer listed").atMost(Duration.ofSeconds(30))
			.until(() -> agents().stream().noneMatch((agent) -> agent.path("service").asString().startsWith("flood")));
		assertThat(peerUpSeries()).as("agent_peer_up series after the flood left").isLessThan(10);
	}

	private static long peerUpSeries() {
		return hub.httpBody("/actuator/prometheus").lines().filter((line) -> line.startsWith("agent_peer_up{")).count();
	}

	private static List<JsonNode> agents() {
		List<JsonNode> agents = new ArrayList<>();
		hub.call("{\"action\":\"status\"}").path("agents").forEach(agents::add);
		return agents;
	}

	private static void register(String service, String instance, String endpoint, String health) {
		JsonNode reply = registry.call("{\"action\":\"register\",\"service\":\"" + service + "\",\"instance\":\""
				+ instance + "\",\"endpoint\":\"" + endpoint + "\",\"health_endpoint\":\"" + health
				+ "\",\"ttl_seconds\":3600}");
		assertThat(reply.path("status").asString()).as("%s", reply).isEqualTo("ok");
	}

	private static String registration(String service, String instance, int port) {
		return "{\"action\":\"register\",\"service\":\"" + service + "\",\"instance\":\"" + instance
				+ "\",\"endpoint\":\"tcp://127.0.0.1:" + port + "\",\"health_endpoint\":\"tcp://127.0.0.1:" + port
				+ "\",\"ttl_seconds\":3600}";
	}

	private static void deregister(String service, String instance) {
		registry.call("{\"action\":\"deregister\",\"service\":\"" + service + "\",\"instance\":\"" + instance + "\"}");
	}

	/** A health socket that answers every request {@code ok} and counts them; its thread owns it. */
	private static final class FakeHealth implements AutoCloseable {

		final String endpoint;

		final AtomicInteger received = new AtomicInteger();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		FakeHealth(String host) {
			this.endpoint = "tcp://" + host + ":" + FreePorts.next();
			java.util.concurrent.CountDownLatch bound = new java.util.concurrent.CountDownLatch(1);
			this.thread = new Thread(() -> {
				try (ZContext context = new ZContext()) {
					ZMQ.Socket socket = context.createSocket(SocketType.ROUTER);
					socket.setLinger(0);
					socket.setReceiveTimeOut(100);
					socket.bind(this.endpoint);
					bound.countDown();
					while (this.running.get()) {
						byte[] routing = socket.recv(0);
						if (routing == null) {
							continue;
						}
						List<byte[]> frames = new ArrayList<>();
						while (socket.hasReceiveMore()) {
							frames.add(socket.recv(0));
						}
						this.received.incrementAndGet();
						socket.send(routing, ZMQ.SNDMORE);
						for (int i = 0; i < frames.size() - 1; i++) {
							socket.send(frames.get(i), ZMQ.SNDMORE);
						}
						socket.send("{\"status\":\"ok\",\"state\":\"ready\"}");
					}
				}
			}, "fake-health-" + host);
			this.thread.start();
			try {
				bound.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join(5000);
		}

	}

}
