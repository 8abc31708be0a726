package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.agentry.core.AgentProperties;
import dev.agentry.samples.hub.HubProperties;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.agentry.samples.deploy.RenderedChart.agent;
import static dev.agentry.samples.deploy.RenderedChart.container;
import static dev.agentry.samples.deploy.RenderedChart.containerPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The chart's {@code discovery}: with {@code kubernetes} (the default) every agent has a
 * headless Service of its ready pods, the coordinator and the hub resolve them, nothing
 * registers and the registry does not run; with {@code registry} none of that is rendered. Read
 * through Spring's binding of the container's environment, as the agents will read it
 * ({@code request-coordinator.workers}, {@code observability-hub.agents[i].source}, ...).
 */
class HelmChartDiscoveryTests {

	private static final String REGISTRY = "service-registry";

	private static final String MODEL_WORKER = "model-worker";

	private static final String COORDINATOR = "request-coordinator";

	private static final String HUB = "observability-hub";

	private static final String INTERRUPT_HANDLER = "streaming-interrupt-handler";

	private static final String WORKERS = "request-coordinator.workers";

	private static final String WORKERS_PUBLIC_KEY = "request-coordinator.workers-public-key";

	/** ci/trust-kubernetes-values.yaml's publicKeys. */
	private static final Map<String, String> PUBLIC_KEYS = Map.of(MODEL_WORKER,
			"r(PVZy8>c9d:[%?Jt]/CQvsO:l0Rlv+]ptLXsFJ2", COORDINATOR, "28$(ct+G^HiFn&NWVSc+NPPZ^UDrsBY6)%T]WkzE",
			INTERRUPT_HANDLER, "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", HUB,
			"yFq0:dqw{ogIuS?Si}6=6L-R^WO1B#yu/hnwqqIV");

	/** The JVM's DNS cache, short enough for the clients' re-resolution of the headless Services. */
	private static final String DNS_CACHE_TTL = "-Dsun.net.inetaddr.ttl=5";

	@TempDir
	static Path helmHome;

	private static final Map<ValuesSet, RenderedChart> renderings = new EnumMap<>(ValuesSet.class);

	private static Helm helm() {
		return Helm.require(helmHome);
	}

	private static RenderedChart rendering(ValuesSet values) throws Exception {
		RenderedChart chart = renderings.get(values);
		if (chart == null) {
			chart = RenderedChart.parse(helm().template(values.files()).outIfSucceeded());
			renderings.put(values, chart);
		}
		return chart;
	}

	private static boolean kubernetes(ValuesSet values) {
		return values.discovery() == ValuesSet.Discovery.KUBERNETES;
	}

	/** The hub's entries, bound to its own configuration type, as the hub binds them. */
	private static List<HubProperties.Agent> polledByTheHub(RenderedChart chart) {
		return new ContainerEnvironment(container(chart.deployment(HUB))).list("observability-hub.agents",
				HubProperties.Agent.class);
	}

	@Test
	void discoveryIsKubernetesByDefaultAndTheRegistryDoesNotRunThen() throws Exception {
		// Everything that could name the registry turned on: monitoring, budgets, policies.
		RenderedChart chart = RenderedChart.parse(helm().template(List.of(), "metrics.serviceMonitor.enabled=true",
				"metrics.prometheusRule.enabled=true", "networkPolicy.enabled=true",
				"agents.service-registry.replicas=2")
			.outIfSucceeded());
		assertThat(chart.resources()).extracting(HasMetadata::getMetadata)
			.allSatisfy((metadata) -> {
				assertThat(metadata.getName()).doesNotContain(REGISTRY);
				assertThat(metadata.getLabels()).doesNotContainEntry(RenderedChart.COMPONENT, REGISTRY);
			});
		assertThat(chart.deployments()).extracting(RenderedChart::agent)
			.containsExactlyInAnyOrderElementsOf(ValuesSet.DEFAULT.agents());
		String rendered = helm().template(List.of(), "metrics.prometheusRule.enabled=true").outIfSucceeded();
		assertThat(rendered).doesNotContain(REGISTRY);
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void withKubernetesEveryAgentHasAHeadlessServiceOfItsReadyPodsZeroMqPorts(ValuesSet values) throws Exception {
		RenderedChart chart = rendering(values);
		if (!kubernetes(values)) {
			assertThat(chart.headlessServices()).isEmpty();
			return;
		}
		assertThat(chart.headlessServices()).hasSameSizeAs(values.agents());
		for (Deployment deployment : chart.deployments()) {
			String agent = agent(deployment);
			Service headless = chart.service("rel-agentry-" + agent + "-headless");
			assertThat(RenderedChart.headless(headless)).as(agent).isTrue();
			// Ready pods only: a pod leaves the DNS answer when its readiness turns 503 at step 0.
			assertThat(headless.getSpec().getPublishNotReadyAddresses()).as(agent).isFalse();
			assertThat(headless.getSpec().getType()).isIn(null, "ClusterIP");
			assertThat(chart.selectedBy(headless.getSpec().getSelector())).containsExactly(deployment);
			List<ServicePort> ports = headless.getSpec().getPorts();
			if (agent.equals(INTERRUPT_HANDLER)) {
				assertThat(ports).extracting(ServicePort::getName, ServicePort::getPort)
					.containsExactly(tuple("zmq", 5555), tuple("zmq-health", 5556), tuple("zmq-pub", 5532));
			}
			else {
				assertThat(ports).extracting(ServicePort::getName, ServicePort::getPort)
					.containsExactly(tuple("zmq", 5555), tuple("zmq-health", 5556));
			}
			for (ServicePort port : ports) {
				assertThat(port.getProtocol()).isEqualTo("TCP");
				assertThat(port.getTargetPort().getStrVal()).isEqualTo(port.getName());
				assertThat(containerPort(container(deployment), port.getName())).isEqualTo(port.getPort());
			}
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void withKubernetesNoAgentRegistersOrPinsARegistry(ValuesSet values) throws Exception {
		if (!kubernetes(values)) {
			return;
		}
		for (Deployment deployment : rendering(values).deployments()) {
			ContainerEnvironment environment = new ContainerEnvironment(container(deployment));
			AgentProperties.Registry registry = environment.agent().registry();
			// 'none', not unset: it also overrides the samples jar's local default.
			assertThat(registry.enabled()).as(agent(deployment)).isFalse();
			assertThat(environment.property("agent.registry.endpoint")).as(agent(deployment)).isEqualTo("none");
			assertThat(environment.property("agent.registry.public-key")).as(agent(deployment)).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void theCoordinatorResolvesTheModelWorkersHeadlessServiceOnlyWithKubernetes(ValuesSet values) throws Exception {
		RenderedChart chart = rendering(values);
		ContainerEnvironment coordinator = new ContainerEnvironment(container(chart.deployment(COORDINATOR)));
		if (!kubernetes(values)) {
			// Unset: the coordinator's default, registry:model-worker.
			assertThat(coordinator.property(WORKERS)).isNull();
			assertThat(coordinator.property(WORKERS_PUBLIC_KEY)).isNull();
			return;
		}
		assertThat(coordinator.property(WORKERS)).isEqualTo("dns:///rel-agentry-model-worker-headless:5555");
		assertResolvesTo(chart, ZmqAddress.parseDnsSource(coordinator.property(WORKERS)), MODEL_WORKER, "zmq");
		// Every worker pod holds the model-worker's one certificate, whose public key it pins.
		assertThat(coordinator.property(WORKERS_PUBLIC_KEY))
			.isEqualTo(values.trust() ? publicKey(values, MODEL_WORKER) : null);
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void theHubPollsEveryAgentsHealthSocketThroughItsHeadlessServiceOnlyWithKubernetes(ValuesSet values)
			throws Exception {
		if (!values.agents().contains(HUB)) {
			return;
		}
		RenderedChart chart = rendering(values);
		List<HubProperties.Agent> polled = polledByTheHub(chart);
		if (!kubernetes(values)) {
			assertThat(polled).isEmpty();
			return;
		}
		// Every agent that runs, the hub itself included, in the order of the chart's agents.
		assertThat(polled).extracting((each) -> chart.service(ZmqAddress.parseDnsSource(each.source()).host()))
			.extracting((service) -> agent(chart.selectedBy(service.getSpec().getSelector()).get(0)))
			.containsExactly(MODEL_WORKER, HUB, COORDINATOR, INTERRUPT_HANDLER)
			.containsExactlyInAnyOrderElementsOf(values.agents());
		for (HubProperties.Agent each : polled) {
			ZmqAddress source = ZmqAddress.parseDnsSource(each.source());
			String agent = agent(chart.selectedBy(chart.service(source.host()).getSpec().getSelector()).get(0));
			assertThat(source).isEqualTo(new ZmqAddress("rel-agentry-" + agent + "-headless", 5556));
			assertResolvesTo(chart, source, agent, "zmq-health");
			assertThat(each.publicKey()).as(agent).isEqualTo(values.trust() ? publicKey(values, agent) : null);
			assertThat(each.name()).as("the name the hub reports it under").isEqualTo(agent);
		}
	}

	/**
	 * While a service's key is rotated its clients are given the old and the new key: the
	 * coordinator and the hub take the list (they try each), the model-workers' interrupt
	 * subscription pins the first; a list with anything but keys fails rendering.
	 */
	@Test
	void aKeyBeingRotatedIsGivenAsTheOldAndTheNewKey() throws Exception {
		String old = PUBLIC_KEYS.get(MODEL_WORKER);
		String next = "Ax7@b$9zQ!kL2mN4pR6tV8wY0#cE3gI5jK7lM9oP";
		Path rotation = helmHome.resolve("rotation.yaml");
		java.nio.file.Files.writeString(rotation, "security:\n  curve:\n    publicKeys:\n      model-worker: \"" + old
				+ "," + next + "\"\n      streaming-interrupt-handler: \"" + PUBLIC_KEYS.get(INTERRUPT_HANDLER) + ","
				+ next + "\"\n");
		RenderedChart chart = RenderedChart.parse(helm()
			.template(List.of(Repository.TRUST_KUBERNETES_VALUES, rotation))
			.outIfSucceeded());
		assertThat(new ContainerEnvironment(container(chart.deployment(COORDINATOR))).property(WORKERS_PUBLIC_KEY))
			.isEqualTo(old + "," + next);
		assertThat(new ContainerEnvironment(container(chart.deployment(MODEL_WORKER)))
			.property("model-worker.interrupt-public-key")).isEqualTo(PUBLIC_KEYS.get(INTERRUPT_HANDLER));
		java.nio.file.Files.writeString(rotation,
				"security:\n  curve:\n    publicKeys:\n      model-worker: \"" + old + ",not-a-key\"\n");
		Command.Result refused = helm().template(List.of(Repository.TRUST_KUBERNETES_VALUES, rotation));
		assertThat(refused.exit()).isNotZero();
		assertThat(refused.err()).contains("security.curve.publicKeys.model-worker").contains("is not a CURVE public key");
	}

	/** The environment's names really bind to the hub's indexed list, as Spring binds it. */
	@Test
	void theHubsIndexedEnvironmentNamesBindToItsListOfAgents() throws Exception {
		Container hub = container(rendering(ValuesSet.TRUST_KUBERNETES).deployment(HUB));
		ContainerEnvironment environment = new ContainerEnvironment(hub);
		assertThat(environment.variable("OBSERVABILITYHUB_AGENTS_0_SOURCE"))
			.isEqualTo("dns:///rel-agentry-model-worker-headless:5556");
		assertThat(environment.property("observability-hub.agents[0].source"))
			.isEqualTo("dns:///rel-agentry-model-worker-headless:5556");
		assertThat(environment.property("observability-hub.agents[3].public-key"))
			.isEqualTo(PUBLIC_KEYS.get(INTERRUPT_HANDLER));
		assertThat(environment.list("observability-hub.agents", HubProperties.Agent.class)).hasSize(4);
	}

	/**
	 * Spring reads a property from the environment under its name with dots as underscores and
	 * dashes removed, or with both as underscores, not a mix of the two: so the coordinator's key
	 * is REQUEST_COORDINATOR_WORKERS_PUBLIC_KEY.
	 */
	@Test
	void theCoordinatorsKeyIsSetUnderAnEnvironmentNameThatSpringBinds() {
		assertThat(new ContainerEnvironment(Map.of("REQUEST_COORDINATOR_WORKERS_PUBLIC_KEY", "k"))
			.property(WORKERS_PUBLIC_KEY)).isEqualTo("k");
		assertThat(new ContainerEnvironment(Map.of("REQUESTCOORDINATOR_WORKERSPUBLICKEY", "k"))
			.property(WORKERS_PUBLIC_KEY)).isEqualTo("k");
		assertThat(new ContainerEnvironment(Map.of("REQUEST_COORDINATOR_WORKERSPUBLICKEY", "k"))
			.property(WORKERS_PUBLIC_KEY)).isNull();
	}

	@ParameterizedTest
	@EnumSource(value = ValuesSet.class, names = { "TRUST_KUBERNETES", "PRODUCTION" })
	void withKubernetesAndCurveTheWorkersPinTheInterruptHandlersKeyFromPublicKeys(ValuesSet values)
			throws Exception {
		ContainerEnvironment worker = new ContainerEnvironment(container(rendering(values).deployment(MODEL_WORKER)));
		assertThat(worker.property("model-worker.interrupt-public-key"))
			.isEqualTo(PUBLIC_KEYS.get(INTERRUPT_HANDLER));
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void withKubernetesTheJvmCachesDnsAnswersForFiveSecondsNotThirty(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			String options = new ContainerEnvironment(container(deployment)).variable("JDK_JAVA_OPTIONS");
			if (kubernetes(values)) {
				// First, so that a value in jvmOptions comes later and wins.
				assertThat(options).as(agent(deployment)).startsWith(DNS_CACHE_TTL + " -XX:MaxRAMPercentage=");
			}
			else {
				assertThat(options).as(agent(deployment)).doesNotContain("inetaddr");
			}
		}
	}

	@Test
	void aLongReleaseNameKeepsEveryHeadlessServiceNameWithin63CharactersAndTheSourcesPointAtThem()
			throws Exception {
		RenderedChart chart = RenderedChart.parse(helm()
			.template(List.of(), "fullnameOverride=a-release-name-of-thirty-five-chars-x")
			.outIfSucceeded());
		assertThat(chart.headlessServices()).hasSize(4)
			.allSatisfy((service) -> assertThat(service.getMetadata().getName()).hasSizeLessThanOrEqualTo(63)
				.endsWith("-headless"));
		ContainerEnvironment coordinator = new ContainerEnvironment(container(chart.deployment(COORDINATOR)));
		assertResolvesTo(chart, ZmqAddress.parseDnsSource(coordinator.property(WORKERS)), MODEL_WORKER, "zmq");
		for (HubProperties.Agent each : polledByTheHub(chart)) {
			Service service = chart.service(ZmqAddress.parseDnsSource(each.source()).host());
			assertThat(RenderedChart.headless(service)).isTrue();
		}
	}

	@Test
	void withRegistryTheChartIsAsBeforeDiscoveryAndTheRegistryRuns() throws Exception {
		RenderedChart chart = rendering(ValuesSet.REGISTRY_DISCOVERY);
		assertThat(chart.deployment(REGISTRY).getSpec().getReplicas()).isOne();
		assertThat(chart.service("rel-agentry-service-registry")).isNotNull();
		for (Deployment deployment : chart.deployments()) {
			ContainerEnvironment environment = new ContainerEnvironment(container(deployment));
			if (!agent(deployment).equals(REGISTRY)) {
				assertThat(environment.agent().registry().endpoint()).isEqualTo("tcp://rel-agentry-service-registry:5555");
			}
			assertThat(environment.variable("JDK_JAVA_OPTIONS"))
				.isEqualTo("-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp");
		}
	}

	private static String publicKey(ValuesSet values, String agent) {
		assertThat(values).isIn(ValuesSet.TRUST_KUBERNETES, ValuesSet.PRODUCTION);
		return PUBLIC_KEYS.get(agent);
	}

	/** The source's host is the agent's headless Service, whose port reaches the named port of its pods only. */
	private static void assertResolvesTo(RenderedChart chart, ZmqAddress source, String agent, String portName) {
		Service service = chart.service(source.host());
		assertThat(RenderedChart.headless(service)).as(source.host()).isTrue();
		assertThat(chart.selectedBy(service.getSpec().getSelector())).extracting(RenderedChart::agent)
			.containsExactly(agent);
		ServicePort port = service.getSpec()
			.getPorts()
			.stream()
			.filter((candidate) -> candidate.getPort() == source.port())
			.findFirst()
			.orElseThrow(() -> new AssertionError(source + " matches no port of " + source.host()));
		assertThat(port.getTargetPort().getStrVal()).isEqualTo(portName);
		// A headless Service's DNS gives pod IPs: the client connects to the container's port itself.
		assertThat(containerPort(container(chart.deployment(agent)), portName)).isEqualTo(source.port());
	}

}
