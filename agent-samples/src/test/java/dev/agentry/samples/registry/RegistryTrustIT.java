package dev.agentry.samples.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.TestCertificate;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged registry with CURVE on, called by CURVE clients holding different keys:
 * the hijacks of issue 14 are answered {@code forbidden}.
 */
class RegistryTrustIT {

	private static final Path JAR = Path.of("target", "agent-samples.jar");

	private static Path dir;

	private static TestCertificate registryCertificate;

	private static TestCertificate workerA;

	private static TestCertificate workerB;

	private static TestCertificate hub;

	private static AgentProcess registry;

	@BeforeAll
	static void startRegistryWithCurve() throws Exception {
		dir = Files.createTempDirectory("agentry-registry-trust");
		Path authorized = dir.resolve("authorized");
		registryCertificate = TestCertificate.write(dir.resolve("keys"), "registry", "service-registry");
		workerA = TestCertificate.write(dir.resolve("keys"), "worker-a", "model-worker");
		workerB = TestCertificate.write(dir.resolve("keys"), "worker-b", "model-worker");
		hub = TestCertificate.write(dir.resolve("keys"), "hub", "observability-hub");
		for (TestCertificate certificate : new TestCertificate[] { registryCertificate, workerA, workerB, hub }) {
			certificate.authorizeIn(authorized);
		}
		registry = AgentLauncher.jar(JAR, "service-registry")
			.directory(dir)
			.property("agent.zmq.curve.certificate", registryCertificate.secretFile())
			.property("agent.zmq.curve.authorized-keys", authorized)
			.property("agent.shutdown.drain-timeout", "2s")
			.start()
			.awaitReady(Duration.ofSeconds(90));
	}

	@AfterAll
	static void stopRegistry() {
		if (registry != null) {
			registry.close();
		}
	}

	@Test
	void aKeyWhoseCertificateGrantsOnlyHubCannotRegisterAsModelWorker() {
		try (ZmqTestClient client = client(hub)) {
			JsonNode reply = client.call(register("model-worker", "fake-1", hub.publicKey()));
			assertForbidden(reply);
			assertThat(reply.get("retryable").asBoolean()).isFalse();
			assertThat(client.call(register("observability-hub", "hub-1", hub.publicKey())).path("status").asString())
				.isEqualTo("ok");
			assertThat(lookup(client, "model-worker")).noneSatisfy(
					(instance) -> assertThat(instance.path("instance").asString()).isEqualTo("fake-1"));
		}
		assertThat(registry.httpBody("/actuator/prometheus")).containsPattern(
				"agent_requests_total\\{[^}]*action=\"register\"[^}]*outcome=\"forbidden\"[^}]*\\} [1-9]");
	}

	@Test
	void aRegisterWhosePublicKeyIsNotTheConnectionsKeyIsForbidden() {
		try (ZmqTestClient client = client(workerA)) {
			assertForbidden(client.call(register("model-worker", "claims-b", workerB.publicKey())));
			assertForbidden(client.call("{\"action\":\"register\",\"service\":\"model-worker\",\"instance\":\"no-key\","
					+ "\"endpoint\":\"tcp://127.0.0.1:1\"}"));
			assertThat(lookup(client, "model-worker")).noneSatisfy((instance) -> assertThat(
					instance.path("instance").asString()).isIn("claims-b", "no-key"));
		}
	}

	@Test
	void keyACannotHeartbeatDeregisterOrReRegisterKeyBsInstance() {
		try (ZmqTestClient b = client(workerB); ZmqTestClient a = client(workerA)) {
			assertThat(b.call(register("model-worker", "b-1", workerB.publicKey())).path("status").asString())
				.isEqualTo("ok");
			assertForbidden(a.call("{\"action\":\"heartbeat\",\"service\":\"model-worker\",\"instance\":\"b-1\"}"));
			assertForbidden(a.call("{\"action\":\"deregister\",\"service\":\"model-worker\",\"instance\":\"b-1\"}"));
			assertForbidden(a.call("{\"action\":\"register\",\"service\":\"model-worker\",\"instance\":\"b-1\","
					+ "\"endpoint\":\"tcp://127.0.0.1:6666\",\"public_key\":\"" + workerA.publicKey() + "\"}"));
			JsonNode listed = lookup(b, "model-worker");
			assertThat(listed).filteredOn((instance) -> instance.path("instance").asString().equals("b-1"))
				.singleElement()
				.satisfies((instance) -> {
					assertThat(instance.path("endpoint").asString()).isEqualTo("tcp://127.0.0.1:5510");
					assertThat(instance.path("public_key").asString()).isEqualTo(workerB.publicKey());
				});
			assertThat(b.call("{\"action\":\"heartbeat\",\"service\":\"model-worker\",\"instance\":\"b-1\"}")
				.path("registered")
				.asBoolean()).isTrue();
			assertThat(b.call("{\"action\":\"deregister\",\"service\":\"model-worker\",\"instance\":\"b-1\"}")
				.path("removed")
				.asBoolean()).isTrue();
		}
	}

	private static ZmqTestClient client(TestCertificate certificate) {
		Consumer<ZMQ.Socket> curve = (socket) -> certificate.client(socket, registryCertificate.publicKey());
		return ZmqTestClient.dealer(registry.endpoint(), curve);
	}

	/** Z85 has no character that JSON escapes: a key goes in as it is. */
	private static String register(String service, String instance, String publicKey) {
		return "{\"action\":\"register\",\"service\":\"" + service + "\",\"instance\":\"" + instance
				+ "\",\"endpoint\":\"tcp://127.0.0.1:5510\",\"health_endpoint\":\"tcp://127.0.0.1:5511\","
				+ "\"ttl_seconds\":30,\"public_key\":\"" + publicKey + "\"}";
	}

	private static JsonNode lookup(ZmqTestClient client, String service) {
		JsonNode reply = client.call("{\"action\":\"lookup\",\"service\":\"" + service + "\"}");
		assertThat(reply.path("status").asString()).as("lookup %s", reply).isEqualTo("ok");
		return reply.get("instances");
	}

	private static void assertForbidden(JsonNode reply) {
		assertThat(reply).as("a reply").isNotNull();
		assertThat(reply.path("error").asString()).as("%s", reply).isEqualTo("forbidden");
	}

}
