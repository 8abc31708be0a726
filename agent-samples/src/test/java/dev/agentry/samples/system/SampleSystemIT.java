package dev.agentry.samples.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample system from the packaged jar, each agent a child JVM on loopback: every
 * agent's actions with their error cases, registration and its failure modes, interrupts
 * and the hub.
 */
class SampleSystemIT {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static Path dir;

	private static SampleAgent registry;

	private static SampleAgent worker;

	private static SampleAgent interrupts;

	private static SampleAgent coordinator;

	private static SampleAgent hub;

	private static int pubPort;

	@BeforeAll
	static void startSystem() throws Exception {
		dir = Files.createTempDirectory("agentry-system");
		registry = SampleAgent.start("service-registry", dir, null, Map.of()).awaitReady();
		pubPort = dev.agentry.test.FreePorts.next();
		String interruptEndpoint = "tcp://127.0.0.1:" + pubPort;
		worker = SampleAgent.start("model-worker", dir, registry.endpoint,
				Map.of("model-worker.latency", "300ms", "model-worker.interrupt-endpoint", interruptEndpoint));
		interrupts = SampleAgent.start("streaming-interrupt-handler", dir, registry.endpoint,
				Map.of("streaming-interrupt-handler.publish-bind", "tcp://127.0.0.1:" + pubPort));
		coordinator = SampleAgent.start("request-coordinator", dir, registry.endpoint, Map.of());
		hub = SampleAgent.start("observability-hub", dir, registry.endpoint, Map.of());
		for (SampleAgent agent : List.of(worker, interrupts, coordinator, hub)) {
			agent.awaitReady();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> lookup("model-worker").size() == 1);
	}

	@AfterAll
	static void stopSystem() {
		for (SampleAgent agent : new SampleAgent[] { hub, coordinator, interrupts, worker, registry }) {
			if (agent != null) {
				agent.close();
			}
		}
	}

	@Test
	void registryActionsAndTheirErrors() {
		JsonNode registered = registry.call(
				"{\"action\":\"register\",\"service\":\"probe\",\"instance\":\"p-1\",\"endpoint\":\"tcp://127.0.0.1:1\",\"health_endpoint\":\"tcp://127.0.0.1:2\",\"ttl_seconds\":30}");
		assertThat(registered.get("registered").asBoolean()).isTrue();
		assertThat(registry.call("{\"action\":\"heartbeat\",\"service\":\"probe\",\"instance\":\"p-1\"}")
			.get("registered")
			.asBoolean()).isTrue();
		JsonNode found = lookup("probe").get(0);
		assertThat(found.get("endpoint").asString()).isEqualTo("tcp://127.0.0.1:1");
		assertThat(found.get("health_endpoint").asString()).isEqualTo("tcp://127.0.0.1:2");
		assertThat(registry.call("{\"action\":\"deregister\",\"service\":\"probe\",\"instance\":\"p-1\"}")
			.get("removed")
			.asBoolean()).isTrue();
		assertThat(lookup("probe")).isEmpty();
		assertThat(registry.call("{\"action\":\"heartbeat\",\"service\":\"probe\",\"instance\":\"p-1\"}")
			.get("registered")
			.asBoolean()).isFalse();
		assertThat(registry.call("{\"action\":\"register\",\"instance\":\"p-1\",\"endpoint\":\"tcp://x:1\"}")
			.get("error")
			.asString()).isEqualTo("bad_request");
		assertThat(registry.call(
				"{\"action\":\"register\",\"service\":\"s\",\"instance\":\"i\",\"endpoint\":\"tcp://x:1\",\"ttl_seconds\":-1}")
			.get("error")
			.asString()).isEqualTo("bad_request");
		assertThat(registry.call("{\"action\":\"register\",\"service\":5,\"instance\":\"i\",\"endpoint\":\"e\"}")
			.get("error")
			.asString()).isEqualTo("bad_request");
		assertThat(registry.call(
				"{\"action\":\"register\",\"service\":\"s\",\"instance\":\"i\",\"endpoint\":\"tcp://*:5555\"}")
			.get("error")
			.asString()).isEqualTo("bad_request");
		assertThat(registry.call("{\"action\":\"register\",\"service\":\"s\",\"instance\":\"" + "i".repeat(5000)
				+ "\",\"endpoint\":\"tcp://x:1\"}").get("error").asString()).isEqualTo("bad_request");
		assertThat(lookup("s")).isEmpty();
		assertThat(registry.call("{\"action\":\"resolve\"}").get("error").asString()).isEqualTo("unknown_action");
	}

	@Test
	void everyAgentRegistersItselfWithItsAdvertisedEndpoints() {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(lookup("model-worker")).extracting((node) -> node.get("endpoint").asString())
				.containsExactly(worker.endpointAddress());
			assertThat(lookup("request-coordinator")).hasSize(1);
			assertThat(lookup("streaming-interrupt-handler")).hasSize(1);
			assertThat(lookup("observability-hub")).hasSize(1);
		});
		assertThat(lookup("model-worker").get(0).get("health_endpoint").asString())
			.isEqualTo("tcp://127.0.0.1:" + worker.health);
	}

	@Test
	void coordinatorForwardsInferToAWorkerAndNamesIt() {
		JsonNode reply = coordinator.call("{\"action\":\"infer\",\"id\":\"c-1\",\"text\":\"a terrible day\"}");
		assertThat(reply.get("status").asString()).isEqualTo("ok");
		assertThat(reply.get("id").asString()).isEqualTo("c-1");
		assertThat(reply.get("result").get("sentiment").asString()).isEqualTo("negative");
		assertThat(reply.get("worker").asString()).isEqualTo(worker.instance());
		assertThat(coordinator.call("{\"action\":\"infer\",\"id\":\"c-2\"}").get("error").asString())
			.isEqualTo("bad_request");
		assertThat(coordinator.call("{\"action\":\"infer\",\"text\":7}").get("error").asString())
			.isEqualTo("bad_request");
		assertThat(worker.call("{\"action\":\"infer\",\"text\":[1]}").get("error").asString()).isEqualTo("bad_request");
	}

	@Test
	void interruptCancelsARunningRequestAtOnce() throws Exception {
		SampleAgent slow = SampleAgent.start("model-worker", dir, null,
				Map.of("model-worker.latency", "20s", "model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + pubPort))
			.awaitReady();
		try (ZmqTestClient client = ZmqTestClient.dealer(slow.endpointAddress(), 15_000)) {
			// The subscriber connects asynchronously; interrupts sent before it joined are missed.
			Thread.sleep(1000);
			client.send("{\"action\":\"infer\",\"id\":\"long-1\",\"text\":\"slow\"}");
			Thread.sleep(300);
			long start = System.nanoTime();
			JsonNode published = interrupts.call("{\"action\":\"interrupt\",\"request_id\":\"long-1\"}");
			assertThat(published.path("published").asBoolean()).as("interrupt reply %s", published).isTrue();
			JsonNode reply = client.receive();
			assertThat(reply).as("cancelled long before the 20 s latency").isNotNull();
			assertThat(reply.get("id").asString()).isEqualTo("long-1");
			assertThat(reply.get("error").asString()).isEqualTo("cancelled");
			assertThat(reply.get("retryable").asBoolean()).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
		}
		finally {
			slow.process.sigterm();
			slow.process.awaitExit(Duration.ofSeconds(5 + 2 + 1 + 5));
		}
		assertThat(interrupts.call("{\"action\":\"interrupt\"}").get("error").asString()).isEqualTo("bad_request");
	}

	@Test
	void hubReportsEveryRegisteredAgentAndItsGauge() {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode status = hub.call("{\"action\":\"status\"}");
			List<String> services = new ArrayList<>();
			status.get("agents").forEach((agent) -> {
				services.add(agent.get("service").asString());
				if (agent.get("up").asBoolean()) {
					assertThat(agent.get("state").asString()).isIn("ready", "draining");
					assertThat(agent.get("age_seconds").asDouble()).isLessThan(30);
				}
			});
			assertThat(services).contains("model-worker", "request-coordinator", "streaming-interrupt-handler",
					"observability-hub");
		});
		assertThat(hub.process.httpBody("/actuator/prometheus"))
			.containsPattern("agent_peer_up\\{agent=\"observability-hub\",instance=\"model-worker-[^\"]+\",service=\"model-worker\"} 1.0");
	}

	@Test
	void sigtermDeregistersAtOnceWhileSigkillExpiresAfterTheTtl() {
		SampleAgent graceful = SampleAgent.start("model-worker", dir, registry.endpoint,
				Map.of("agent.shutdown.delay", "3s", "model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + pubPort))
			.awaitReady();
		SampleAgent killed = SampleAgent.start("model-worker", dir, registry.endpoint,
				Map.of("model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + pubPort))
			.awaitReady();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> endpoints("model-worker").containsAll(
					List.of(graceful.endpointAddress(), killed.endpointAddress())));

		graceful.process.sigterm();
		// Deregistered at step 0, while it is still alive and serving through its 3 s delay.
		await().atMost(Duration.ofSeconds(3))
			.until(() -> !endpoints("model-worker").contains(graceful.endpointAddress()));
		assertThat(graceful.process.process().isAlive()).isTrue();

		killed.process.process().destroyForcibly();
		assertThat(endpoints("model-worker")).contains(killed.endpointAddress());
		await().atMost(Duration.ofSeconds(3 + 5))
			.until(() -> !endpoints("model-worker").contains(killed.endpointAddress()));
		assertThat(graceful.process.awaitExit(Duration.ofSeconds(3 + 5 + 2 + 1 + 5))).isEqualTo(143);
		assertThat(endpoints("model-worker")).containsExactly(worker.endpointAddress());
	}

	@Test
	void aRegistryThatIsDownBlocksNeitherStartNorStop() {
		int nobody = dev.agentry.test.FreePorts.next();
		SampleAgent alone = SampleAgent.start("model-worker", dir, nobody,
				Map.of("model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + pubPort))
			.awaitReady();
		try {
			assertThat(alone.call("{\"action\":\"infer\",\"text\":\"fine\"}").get("status").asString())
				.isEqualTo("ok");
			alone.process.sigterm();
			// Budget of these agents (drain 5 s, join 2 s, linger 1 s) plus 5 s.
			assertThat(alone.process.awaitExit(Duration.ofSeconds(5 + 2 + 1 + 5))).isEqualTo(143);
		}
		finally {
			alone.close();
		}
	}

	@Test
	void agentsRegisterAgainAfterARegistryRestart() {
		SampleAgent ownRegistry = SampleAgent.start("service-registry", dir, null, Map.of()).awaitReady();
		int port = ownRegistry.endpoint;
		SampleAgent member = SampleAgent.start("model-worker", dir, port,
				Map.of("model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + pubPort))
			.awaitReady();
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> lookupAt(ownRegistry, "model-worker").size() == 1);
			ownRegistry.process.sigterm();
			assertThat(ownRegistry.process.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
			SampleAgent restarted = SampleAgent.start("service-registry", dir, null, port, Map.of()).awaitReady();
			try {
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(lookupAt(restarted, "model-worker"))
						.extracting((node) -> node.get("endpoint").asString())
						.containsExactly(member.endpointAddress()));
			}
			finally {
				restarted.close();
			}
		}
		finally {
			member.close();
			ownRegistry.close();
		}
	}

	private static List<JsonNode> lookup(String service) {
		return lookupAt(registry, service);
	}

	private static List<JsonNode> lookupAt(SampleAgent registry, String service) {
		JsonNode reply = registry.call("{\"action\":\"lookup\",\"service\":\"" + service + "\"}");
		List<JsonNode> instances = new ArrayList<>();
		reply.get("instances").forEach(instances::add);
		return instances;
	}

	private static List<String> endpoints(String service) {
		return lookup(service).stream().map((node) -> node.get("endpoint").asString()).toList();
	}

}
