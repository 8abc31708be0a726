package dev.agentry.samples.deploy;

import java.util.List;
import java.util.Map;

import dev.agentry.core.shutdown.ShutdownBudget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose.yaml, read as compose reads it: every sample agent from the one image, wired to
 * the registry, without capabilities, healthy only when ready, stopped inside a grace period
 * that covers its shutdown budget; and compose.curve.yaml, which turns CURVE on.
 * ContainerComposeIT runs compose.yaml for real.
 */
class ComposeFileTests {

	private static final List<String> AGENTS = List.of("service-registry", "streaming-interrupt-handler",
			"model-worker", "request-coordinator", "observability-hub");

	private static final String CERTIFICATE = "agent.zmq.curve.certificate";

	private static final String AUTHORIZED_KEYS = "agent.zmq.curve.authorized-keys";

	private static final String REGISTRY_PUBLIC_KEY = "agent.registry.public-key";

	private final ComposeFile compose = read();

	private static ComposeFile read() {
		try {
			return ComposeFile.read(Repository.COMPOSE);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void everySampleAgentRunsFromTheOneImageNamedByItsFirstArgument() {
		assertThat(this.compose.services()).containsOnlyKeys(AGENTS);
		for (ComposeFile.Service service : this.compose.services().values()) {
			assertThat(service.list("command")).as(service.name()).containsExactly(service.name());
			assertThat(service.get("image")).as(service.name())
				.isEqualTo("${AGENTRY_IMAGE:-localhost/agentry/agent-samples:0.1.0}");
			assertThat(service.get("build")).as("%s builds the repository's Dockerfile", service.name())
				.isEqualTo(".");
		}
	}

	@Test
	void everyAgentRunsAsInKubernetesWithAReadOnlyRootAndAWritableTmp() {
		for (ComposeFile.Service service : this.compose.services().values()) {
			assertThat(service.get("read_only")).as(service.name()).isEqualTo(true);
			assertThat(service.list("tmpfs")).as(service.name()).containsExactly("/tmp");
			assertThat(service.get("user")).as("%s keeps the image's non-root user", service.name()).isNull();
		}
	}

	@Test
	void everyAgentRunsWithoutCapabilitiesAndCannotGainPrivileges() {
		for (ComposeFile.Service service : this.compose.services().values()) {
			assertThat(service.list("cap_drop")).as(service.name()).containsExactly("ALL");
			assertThat(service.list("cap_add")).as(service.name()).isEmpty();
			assertThat(service.list("security_opt")).as(service.name()).contains("no-new-privileges:true");
			assertThat(service.get("privileged")).as(service.name()).isNotEqualTo(true);
		}
	}

	@Test
	void curveIsOffUnlessTheOverrideIsGiven() {
		for (ComposeFile.Service service : this.compose.services().values()) {
			ContainerEnvironment environment = service.containerEnvironment();
			assertThat(environment.property(CERTIFICATE)).as(service.name()).isNull();
			assertThat(environment.property(AUTHORIZED_KEYS)).as(service.name()).isNull();
			assertThat(service.list("volumes")).as("%s mounts no keys", service.name()).isEmpty();
		}
	}

	/**
	 * compose.curve.yaml: each agent reads its own secret and nobody else's, the authorized keys
	 * are a folder mounted whole, and the agents that register pin the registry's key, which
	 * compose refuses to start without.
	 */
	@Test
	void theCurveOverrideGivesEachAgentItsOwnCertificateAndTheAuthorizedKeys() throws Exception {
		ComposeFile curve = ComposeFile.read(Repository.COMPOSE_CURVE);
		assertThat(curve.services()).containsOnlyKeys(AGENTS);
		for (ComposeFile.Service service : curve.services().values()) {
			String name = service.name();
			ContainerEnvironment environment = service.containerEnvironment();
			String certificate = environment.property(CERTIFICATE);
			String authorizedKeys = environment.property(AUTHORIZED_KEYS);
			assertThat(certificate).as(name).isEqualTo("/etc/agentry/curve/certificate/" + name + ".key_secret");
			assertThat(authorizedKeys).as(name).isEqualTo("/etc/agentry/curve/authorized-keys");
			assertThat(service.list("volumes")).as(name)
				.containsExactlyInAnyOrder("${AGENTRY_KEYS:-./keys}/" + name + ".key_secret:" + certificate + ":ro",
						"${AGENTRY_KEYS:-./keys}/authorized:" + authorizedKeys + ":ro");
			if (name.equals("service-registry")) {
				assertThat(environment.property(REGISTRY_PUBLIC_KEY)).isNull();
			}
			else {
				assertThat(environment.property(REGISTRY_PUBLIC_KEY)).as(name)
					.startsWith("${AGENTRY_REGISTRY_PUBLIC_KEY:?");
			}
		}
	}

	@Test
	void theRegistryStartsFirstAndEveryOtherAgentRegistersWithIt() {
		ComposeFile.Service registry = this.compose.service("service-registry");
		assertThat(registry.dependsOn()).isEmpty();
		assertThat(registry.environment()).doesNotContainKey("AGENT_REGISTRY_ENDPOINT");
		for (ComposeFile.Service service : this.compose.services().values()) {
			assertThat(service.environment()).as(service.name())
				.containsEntry("AGENT_ADVERTISE_HOST", service.name());
			if (service != registry) {
				assertThat(service.dependsOn()).as(service.name()).containsEntry("service-registry", "service_healthy");
				assertThat(service.environment()).as(service.name())
					.containsEntry("AGENT_REGISTRY_ENDPOINT", "tcp://service-registry:5555");
			}
		}
		assertThat(this.compose.service("model-worker").environment())
			.containsEntry("MODEL_WORKER_INTERRUPT_ENDPOINT", "tcp://streaming-interrupt-handler:5532");
		assertThat(this.compose.service("model-worker").dependsOn())
			.containsEntry("streaming-interrupt-handler", "service_healthy");
		assertThat(this.compose.service("request-coordinator").dependsOn())
			.containsEntry("model-worker", "service_healthy");
	}

	@Test
	void theHealthCheckAsksTheReadinessEndpoint() {
		for (ComposeFile.Service service : this.compose.services().values()) {
			Map<String, Object> healthcheck = service.map("healthcheck");
			assertThat((List<?>) healthcheck.get("test")).as(service.name()).hasSize(2).first().isEqualTo("CMD-SHELL");
			assertThat(((List<?>) healthcheck.get("test")).get(1).toString()).as(service.name())
				.contains("/dev/tcp/127.0.0.1/8080")
				.contains("GET /actuator/health/readiness")
				.contains(" 200 ");
		}
	}

	@Test
	void theGracePeriodCoversEachAgentsShutdownBudgetAndTheAgentKnowsIt() {
		for (ComposeFile.Service service : this.compose.services().values()) {
			ShutdownBudget budget = service.containerEnvironment().shutdownBudget();
			assertThat(budget.worstCase().plusSeconds(5)).as("%s: budget + 5 s for the JVM's exit", service.name())
				.isLessThanOrEqualTo(service.stopGracePeriod());
			assertThat(budget.gracePeriod()).as("%s: AGENT_SHUTDOWN_GRACE_PERIOD", service.name())
				.isEqualTo(service.stopGracePeriod());
			assertThat(budget.delay()).as("%s keeps serving while peers stop sending", service.name()).isPositive();
		}
	}

	/** The samples bind 127.0.0.1 when started by hand; in a container every interface must answer. */
	@Test
	void everyAgentBindsEveryInterfaceAsAContainerNeeds() {
		for (ComposeFile.Service service : this.compose.services().values()) {
			ContainerEnvironment environment = service.containerEnvironment();
			assertThat(environment.bind("server.address", String.class)).as(service.name()).isEqualTo("0.0.0.0");
			assertThat(environment.agent().endpoint().bind()).as(service.name()).isEqualTo("tcp://*:5555");
			assertThat(environment.agent().health().bind()).as(service.name()).isEqualTo("tcp://*:5556");
		}
		assertThat(this.compose.service("streaming-interrupt-handler").environment())
			.containsEntry("STREAMING_INTERRUPT_HANDLER_PUBLISH_BIND", "tcp://*:5532");
	}

	@Test
	void publishedPortsListenOnLoopbackOnly() {
		for (ComposeFile.Service service : this.compose.services().values()) {
			assertThat(service.list("ports")).as(service.name()).allSatisfy((port) -> assertThat(port).startsWith("127.0.0.1:"));
		}
		assertThat(this.compose.service("request-coordinator").list("ports")).isNotEmpty();
	}

}
