package dev.agentry.samples.system;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged registry without CURVE, with two model-workers and a coordinator as child
 * JVMs: the registry stopped (SIGSTOP) for longer than the TTL and continued expires no
 * healthy instance (self-preservation), the traffic through the coordinator goes on, and
 * without CURVE an instance still belongs to the routing id that registered it.
 */
class RegistryStallIT {

	/** The agents' TTL ({@link SampleAgent}'s 3 s), stopped for more than twice that. */
	private static final Duration STALL = Duration.ofSeconds(8);

	private static Path dir;

	private static SampleAgent registry;

	private static SampleAgent workerA;

	private static SampleAgent workerB;

	private static SampleAgent coordinator;

	@BeforeAll
	static void startSystem() throws Exception {
		dir = Files.createTempDirectory("agentry-registry-stall");
		registry = SampleAgent.start("service-registry", dir, null, Map.of()).awaitReady();
		workerA = SampleAgent.start("model-worker", dir, registry.endpoint, Map.of("model-worker.latency", "5ms"));
		workerB = SampleAgent.start("model-worker", dir, registry.endpoint, Map.of("model-worker.latency", "5ms"));
		coordinator = SampleAgent.start("request-coordinator", dir, registry.endpoint, Map.of());
		for (SampleAgent agent : List.of(workerA, workerB, coordinator)) {
			agent.awaitReady();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> lookup("model-worker").size() == 2);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "ok".equals(coordinator.call("{\"action\":\"infer\",\"text\":\"warm\"}").path("status")
				.asString("")));
	}

	@AfterAll
	static void stopSystem() {
		for (SampleAgent agent : new SampleAgent[] { coordinator, workerB, workerA, registry }) {
			if (agent != null) {
				agent.close();
			}
		}
	}

	@Test
	void aRegistryStoppedForLongerThanTheTtlExpiresNoHealthyInstance() throws Exception {
		List<String> before = instances("model-worker");
		Map<String, Integer> outcomes = new ConcurrentHashMap<>();
		AtomicBoolean loading = new AtomicBoolean(true);
		Thread load = new Thread(() -> {
			try (ZmqTestClient user = ZmqTestClient.dealer(coordinator.endpointAddress(), 15_000)) {
				for (int i = 0; loading.get(); i++) {
					JsonNode reply = user.call("{\"action\":\"infer\",\"id\":" + i + ",\"text\":\"a fine day\"}");
					String outcome = (reply == null) ? "no reply"
							: reply.path("status").asString("") + " " + reply.path("error").asString("");
					outcomes.merge(outcome.trim(), 1, Integer::sum);
					Thread.sleep(20);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "coordinator-load");
		load.start();
		try {
			signal("STOP", registry.process.pid());
			try {
				Thread.sleep(STALL.toMillis());
			}
			finally {
				signal("CONT", registry.process.pid());
			}
			// More than a TTL after the stall: an instance wrongly expired would have been
			// seen missing (and had to register again, under the same instance id).
			await("the registry's self-preservation WARN").atMost(Duration.ofSeconds(30))
				.until(() -> registry.process.log().contains("Self-preservation"));
			Thread.sleep(Duration.ofSeconds(4).toMillis());
		}
		finally {
			loading.set(false);
			load.join(Duration.ofSeconds(30).toMillis());
		}
		assertThat(instances("model-worker")).as("the workers listed after the stall")
			.containsExactlyInAnyOrderElementsOf(before);
		assertThat(registry.process.log()).as("the registry's log").doesNotContain("Expired model-worker");
		assertThat(workerA.process.log() + workerB.process.log()).as("the workers' logs")
			.doesNotContain("The registry has forgotten");
		assertThat(outcomes).as("replies through the coordinator during and after the stall").containsKey("ok");
		assertThat(outcomes.keySet()).as("outcomes %s", outcomes).containsOnly("ok");
	}

	@Test
	void withoutCurveAnInstanceBelongsToTheRoutingIdThatRegisteredIt() {
		try (ZmqTestClient alice = identified("alice"); ZmqTestClient mallory = identified("mallory")) {
			assertThat(alice.call("{\"action\":\"register\",\"service\":\"probe\",\"instance\":\"owned\","
					+ "\"endpoint\":\"tcp://127.0.0.1:1\",\"ttl_seconds\":30}").path("status").asString()).isEqualTo("ok");
			assertThat(mallory.call("{\"action\":\"deregister\",\"service\":\"probe\",\"instance\":\"owned\"}")
				.path("error")
				.asString()).isEqualTo("forbidden");
			assertThat(registry.call("{\"action\":\"heartbeat\",\"service\":\"probe\",\"instance\":\"owned\"}")
				.path("error")
				.asString()).as("an anonymous peer").isEqualTo("forbidden");
			assertThat(mallory.call("{\"action\":\"register\",\"service\":\"probe\",\"instance\":\"owned\","
					+ "\"endpoint\":\"tcp://127.0.0.1:2\"}").path("error").asString()).isEqualTo("forbidden");
			assertThat(lookup("probe")).singleElement()
				.satisfies((instance) -> assertThat(instance.path("endpoint").asString()).isEqualTo("tcp://127.0.0.1:1"));
			assertThat(alice.call("{\"action\":\"deregister\",\"service\":\"probe\",\"instance\":\"owned\"}")
				.path("removed")
				.asBoolean()).isTrue();
		}
	}

	private static ZmqTestClient identified(String routingId) {
		return ZmqTestClient.dealer(registry.endpointAddress(),
				(socket) -> socket.setIdentity(routingId.getBytes(StandardCharsets.UTF_8)));
	}

	private static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
		assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
	}

	private static List<String> instances(String service) {
		return lookup(service).stream().map((node) -> node.path("instance").asString()).sorted().toList();
	}

	private static List<JsonNode> lookup(String service) {
		JsonNode reply = registry.call("{\"action\":\"lookup\",\"service\":\"" + service + "\"}");
		List<JsonNode> instances = new java.util.ArrayList<>();
		reply.path("instances").forEach(instances::add);
		return instances;
	}

}
