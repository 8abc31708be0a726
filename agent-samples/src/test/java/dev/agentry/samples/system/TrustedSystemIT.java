package dev.agentry.samples.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.test.FreePorts;
import dev.agentry.test.TestCertificate;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample system from the packaged jar with CURVE on, each agent a child JVM: the hijacks
 * of issue 14 that go through the coordinator and the interrupt stream fail. Only the caller
 * that sent a request can interrupt it, and a worker registered under a key it does not hold
 * is never sent a request.
 */
class TrustedSystemIT {

	private Path dir;

	private Path keys;

	private Path authorized;

	private final Map<String, TestCertificate> certificates = new LinkedHashMap<>();

	private final List<SampleAgent> agents = new ArrayList<>();

	private SampleAgent registry;

	private SampleAgent coordinator;

	private int pubPort;

	@BeforeEach
	void keys() throws Exception {
		this.dir = Files.createTempDirectory("agentry-trusted-system");
		this.keys = this.dir.resolve("keys");
		this.authorized = this.dir.resolve("authorized");
		for (String agent : List.of("service-registry", "model-worker", "request-coordinator",
				"streaming-interrupt-handler", "alice", "mallory", "rogue")) {
			String services = switch (agent) {
				case "alice", "mallory" -> "";
				case "rogue" -> "model-worker";
				default -> agent;
			};
			TestCertificate certificate = TestCertificate.write(this.keys, agent, services);
			certificate.authorizeIn(this.authorized);
			this.certificates.put(agent, certificate);
		}
		this.pubPort = FreePorts.next();
	}

	@AfterEach
	void stop() {
		for (int i = this.agents.size() - 1; i >= 0; i--) {
			this.agents.get(i).close();
		}
	}

	@Test
	void onlyTheCallerThatSentARequestCanInterruptIt() {
		startSystem("20s", true);
		try (ZmqTestClient alice = client("alice", this.coordinator);
				ZmqTestClient mallory = client("mallory", agent("streaming-interrupt-handler"))) {
			ZmqTestClient alicesInterrupts = client("alice", agent("streaming-interrupt-handler"));
			try (alicesInterrupts) {
				// The interrupt stream works: Alice cancels her own request (the worker's subscription
				// connects in its own time, so the interrupt is sent until it arrives).
				JsonNode warm = untilForwarded(() -> {
					alice.send("{\"action\":\"infer\",\"id\":\"warm-1\",\"text\":\"slow\"}");
					return interruptUntilAnswered(alicesInterrupts, alice, "warm-1");
				});
				assertThat(warm.path("error").asString()).as("%s", warm).isEqualTo("cancelled");

				// Mallory names Alice's request: published under Mallory's key, refused by the worker.
				alice.send("{\"action\":\"infer\",\"id\":\"long-1\",\"text\":\"slow\"}");
				for (int i = 0; i < 5; i++) {
					JsonNode published = mallory.call("{\"action\":\"interrupt\",\"request_id\":\"long-1\"}");
					assertThat(published.path("published").asBoolean()).as("%s", published).isTrue();
				}
				assertThat(receiveWithin(alice, Duration.ofSeconds(3))).as("Alice's request, interrupted by Mallory")
					.isNull();
				assertThat(agent("model-worker").process.log()).contains("Refused an interrupt (forbidden)");

				// Alice's own interrupt still works.
				JsonNode cancelled = interruptUntilAnswered(alicesInterrupts, alice, "long-1");
				assertThat(cancelled.path("id").asString()).isEqualTo("long-1");
				assertThat(cancelled.path("error").asString()).as("%s", cancelled).isEqualTo("cancelled");
			}
		}
	}

	@Test
	void aWorkerRegisteredUnderAKeyItDoesNotHoldIsNeverSentARequest() {
		startSystem("5ms", false);
		TestCertificate rogue = this.certificates.get("rogue");
		TestCertificate impostor = TestCertificate.unwritten("impostor");
		AtomicInteger received = new AtomicInteger();
		try (ZContext context = new ZContext(1)) {
			// The rogue's "worker": a CURVE server that holds another key than the one registered.
			ZMQ.Socket fake = context.createSocket(SocketType.ROUTER);
			fake.setLinger(0);
			fake.setReceiveTimeOut(100);
			fake.setCurveServer(true);
			fake.setCurveSecretKey(ZMQ.Curve.z85Decode(impostor.secretKey()));
			int fakePort = FreePorts.next();
			fake.bind("tcp://127.0.0.1:" + fakePort);
			try (ZmqTestClient registrant = ZmqTestClient.dealer(this.registry.endpointAddress(),
					(socket) -> rogue.client(socket, publicKey("service-registry")))) {
				JsonNode registered = registrant.call("{\"action\":\"register\",\"service\":\"model-worker\","
						+ "\"instance\":\"rogue-1\",\"endpoint\":\"tcp://127.0.0.1:" + fakePort + "\","
						+ "\"ttl_seconds\":120,\"public_key\":\"" + rogue.publicKey() + "\"}");
				assertThat(registered.path("status").asString()).as("the rogue holds its own key: %s", registered)
					.isEqualTo("ok");
			}
			try (ZmqTestClient alice = client("alice", this.coordinator)) {
				untilForwarded(() -> alice.call("{\"action\":\"infer\",\"id\":\"warm-up\",\"text\":\"hi\"}"));
				for (int i = 0; i < 40; i++) {
					JsonNode reply = alice.call("{\"action\":\"infer\",\"id\":" + i + ",\"text\":\"a good day\"}");
					assertThat(reply.path("status").asString()).as("%s", reply).isEqualTo("ok");
					assertThat(reply.path("worker").asString()).startsWith("model-worker-");
					while (fake.recv(ZMQ.DONTWAIT) != null) {
						received.incrementAndGet();
					}
				}
			}
			while (fake.recv(0) != null) {
				received.incrementAndGet();
			}
		}
		assertThat(received).as("messages that reached the rogue's endpoint").hasValue(0);
	}

	private void startSystem(String latency, boolean interrupts) {
		this.registry = start("service-registry", Map.of()).awaitReady();
		List<SampleAgent> rest = new ArrayList<>();
		rest.add(start("model-worker", Map.of("model-worker.latency", latency, "model-worker.interrupt-endpoint",
				"tcp://127.0.0.1:" + this.pubPort, "model-worker.interrupt-public-key",
				publicKey("streaming-interrupt-handler"))));
		if (interrupts) {
			rest.add(start("streaming-interrupt-handler",
					Map.of("streaming-interrupt-handler.publish-bind", "tcp://127.0.0.1:" + this.pubPort)));
		}
		this.coordinator = start("request-coordinator", Map.of("request-coordinator.worker-timeout", "30s"));
		rest.add(this.coordinator);
		rest.forEach(SampleAgent::awaitReady);
		await().atMost(Duration.ofSeconds(30)).until(() -> lookup("model-worker") >= 1);
	}

	private SampleAgent start(String command, Map<String, String> extra) {
		Map<String, String> properties = new LinkedHashMap<>(extra);
		properties.put("agent.zmq.curve.certificate", this.certificates.get(command).secretFile().toString());
		properties.put("agent.zmq.curve.authorized-keys", this.authorized.toString());
		if (!command.equals("service-registry")) {
			properties.put("agent.registry.public-key", publicKey("service-registry"));
		}
		Integer registryPort = (this.registry != null) ? this.registry.endpoint : null;
		SampleAgent agent = SampleAgent.start(command, this.dir, registryPort, properties);
		this.agents.add(agent);
		return agent;
	}

	private SampleAgent agent(String command) {
		return this.agents.stream().filter((agent) -> agent.command.equals(command)).findFirst().orElseThrow();
	}

	private String publicKey(String name) {
		return this.certificates.get(name).publicKey();
	}

	private ZmqTestClient client(String who, SampleAgent agent) {
		return ZmqTestClient.dealer(agent.endpointAddress(),
				(socket) -> this.certificates.get(who).client(socket, publicKey(agent.command)));
	}

	private int lookup(String service) {
		try (ZmqTestClient client = client("alice", this.registry)) {
			return client.call("{\"action\":\"lookup\",\"service\":\"" + service + "\"}").path("instances").size();
		}
	}

	/**
	 * Repeats a call through the coordinator until it reaches a worker: the coordinator reads the
	 * registry on its own schedule, so a worker being listed does not mean the coordinator knows it
	 * yet, and until then it answers {@code unavailable}.
	 */
	private static JsonNode untilForwarded(Callable<JsonNode> call) {
		return await().atMost(Duration.ofSeconds(30))
			.until(call, (reply) -> !"unavailable".equals(reply.path("error").asString()));
	}

	/** Sends Alice's interrupt every 500 ms until her request is answered; the answer. */
	private static JsonNode interruptUntilAnswered(ZmqTestClient interrupts, ZmqTestClient caller, String id) {
		for (int i = 0; i < 40; i++) {
			interrupts.call("{\"action\":\"interrupt\",\"request_id\":\"" + id + "\"}");
			JsonNode reply = receiveWithin(caller, Duration.ofMillis(500));
			if (reply != null) {
				return reply;
			}
		}
		throw new AssertionError("request " + id + " was not answered after 40 interrupts");
	}

	private static JsonNode receiveWithin(ZmqTestClient client, Duration timeout) {
		client.socket().setReceiveTimeOut((int) timeout.toMillis());
		try {
			return client.receive();
		}
		finally {
			client.socket().setReceiveTimeOut(10_000);
		}
	}

}
