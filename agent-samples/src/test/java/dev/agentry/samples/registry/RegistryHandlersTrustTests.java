package dev.agentry.samples.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;
import dev.agentry.core.trust.AuthorizedKeys;
import dev.agentry.core.trust.Curve;
import dev.agentry.core.trust.CurveCertificate;
import dev.agentry.core.trust.CurveTrust;
import dev.agentry.test.TestCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The registry's handlers with CURVE on: who may register what, and who owns an instance. */
class RegistryHandlersTrustTests {

	@TempDir
	Path dir;

	private TestCertificate worker;

	private TestCertificate otherWorker;

	private TestCertificate hub;

	private RegistryStore store;

	private RegistryHandlers handlers;

	@BeforeEach
	void trustOn() {
		Path authorized = this.dir.resolve("authorized");
		TestCertificate registry = TestCertificate.write(this.dir.resolve("registry"), "registry", "service-registry");
		this.worker = TestCertificate.write(this.dir.resolve("a"), "worker-a", "model-worker");
		this.otherWorker = TestCertificate.write(this.dir.resolve("b"), "worker-b", "model-worker,request-coordinator");
		this.hub = TestCertificate.write(this.dir.resolve("hub"), "hub", "observability-hub");
		for (TestCertificate certificate : List.of(registry, this.worker, this.otherWorker, this.hub)) {
			certificate.authorizeIn(authorized);
		}
		CurveTrust trust = CurveTrust.on(new Curve(CurveCertificate.loadSecret(registry.secretFile())),
				new AuthorizedKeys(authorized, Duration.ofSeconds(1)).loadOrFail());
		this.store = new RegistryStore();
		this.handlers = new RegistryHandlers(this.store, new AgentJson(JsonMapper.builder().build()),
				DataSize.ofMegabytes(1), trust);
	}

	@Test
	void aKeyMayRegisterOnlyAServiceItsCertificateGrants() {
		assertForbidden(() -> this.handlers.register(register("model-worker", "w-1", this.hub.publicKey()),
				this.hub.publicKey()), "does not grant service 'model-worker'");
		assertThat(this.handlers.register(register("observability-hub", "h-1", this.hub.publicKey()),
				this.hub.publicKey())).containsEntry("registered", true);
		assertThat(this.handlers.register(register("request-coordinator", "c-1", this.otherWorker.publicKey()),
				this.otherWorker.publicKey())).containsEntry("registered", true);
		assertThat(this.store.lookup("model-worker")).isEmpty();
	}

	@Test
	void aRegisterWhosePublicKeyIsNotTheConnectionsIsForbidden() {
		assertForbidden(() -> this.handlers.register(register("model-worker", "w-1", this.otherWorker.publicKey()),
				this.worker.publicKey()), "must be the CURVE public key of the connection");
		assertForbidden(() -> this.handlers.register(register("model-worker", "w-1", null), this.worker.publicKey()),
				"must be the CURVE public key of the connection");
		assertThat(this.store.lookup(null)).isEmpty();
	}

	@Test
	void lookupShowsTheKeyEachInstanceRegisteredUnder() {
		this.handlers.register(register("model-worker", "w-1", this.worker.publicKey()), this.worker.publicKey());
		Map<String, Object> reply = this.handlers.lookup(new RegistryHandlers.Lookup("model-worker"));
		assertThat((List<?>) reply.get("instances")).singleElement()
			.satisfies((instance) -> assertThat(((Map<?, ?>) instance).get("public_key"))
				.isEqualTo(this.worker.publicKey()));
	}

	@Test
	void anotherKeyCannotHeartbeatDeregisterOrReRegisterAnInstance() {
		String a = this.worker.publicKey();
		String b = this.otherWorker.publicKey();
		this.handlers.register(register("model-worker", "w-1", a), a);
		RegistryHandlers.Instance instance = new RegistryHandlers.Instance("model-worker", "w-1");
		assertForbidden(() -> this.handlers.heartbeat(instance, b), "only that identity may heartbeat it");
		assertForbidden(() -> this.handlers.deregister(instance, b), "only that identity may deregister it");
		assertForbidden(() -> this.handlers.register(
				new RegistryHandlers.Register("model-worker", "w-1", "tcp://10.9.9.9:5555", null, 10.0, b), b),
				"only that identity may register it");
		assertThat(this.store.lookup("model-worker")).singleElement().satisfies((entry) -> {
			assertThat(entry.endpoint()).isEqualTo("tcp://127.0.0.1:5510");
			assertThat(entry.publicKey()).isEqualTo(a);
		});
		assertThat(this.handlers.heartbeat(instance, a)).containsEntry("registered", true);
		assertThat(this.handlers.deregister(instance, a)).containsEntry("removed", true);
	}

	private static RegistryHandlers.Register register(String service, String instance, String publicKey) {
		return new RegistryHandlers.Register(service, instance, "tcp://127.0.0.1:5510", "tcp://127.0.0.1:5511", 10.0,
				publicKey);
	}

	private static void assertForbidden(Runnable call, String message) {
		assertThatExceptionOfType(AgentException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(AgentError.FORBIDDEN))
			.withMessageContaining(message);
	}

}
