package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.agentry.samples.deploy.RenderedChart.agent;
import static dev.agentry.samples.deploy.RenderedChart.container;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Trust in the chart (security.curve, networkPolicy): what each agent reads from its
 * environment under Spring's names (agent.zmq.curve.certificate,
 * agent.zmq.curve.authorized-keys, agent.registry.public-key) must be a file or directory that
 * the pod really mounts, from the right Secret or ConfigMap, in a way the kubelet keeps up to
 * date; and each NetworkPolicy must open exactly the agent's ports to exactly the peers meant.
 */
class HelmChartTrustTests {

	private static final String REGISTRY = "service-registry";

	/** ci/trust-values.yaml's and the production example's registry key (zmq_curve's example key). */
	private static final String REGISTRY_PUBLIC_KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

	private static final String CERTIFICATE = "agent.zmq.curve.certificate";

	private static final String AUTHORIZED_KEYS = "agent.zmq.curve.authorized-keys";

	private static final String PINNED_REGISTRY_KEY = "agent.registry.public-key";

	@TempDir
	static Path helmHome;

	private static final Map<ValuesSet, RenderedChart> renderings = new EnumMap<>(ValuesSet.class);

	private static RenderedChart rendering(ValuesSet values) throws Exception {
		RenderedChart chart = renderings.get(values);
		if (chart == null) {
			chart = RenderedChart.parse(Helm.require(helmHome).template(values.files()).outIfSucceeded());
			renderings.put(values, chart);
		}
		return chart;
	}

	@Test
	void trustIsOffByDefault() throws Exception {
		RenderedChart chart = rendering(ValuesSet.DEFAULT);
		assertThat(chart.all(NetworkPolicy.class)).isEmpty();
		for (Deployment deployment : chart.deployments()) {
			ContainerEnvironment environment = new ContainerEnvironment(container(deployment));
			assertThat(environment.property(CERTIFICATE)).as(agent(deployment)).isNull();
			assertThat(environment.property(AUTHORIZED_KEYS)).as(agent(deployment)).isNull();
			assertThat(environment.property(PINNED_REGISTRY_KEY)).as(agent(deployment)).isNull();
			assertThat(container(deployment).getVolumeMounts()).extracting(VolumeMount::getMountPath)
				.containsExactly("/tmp");
		}
	}

	@ParameterizedTest
	@EnumSource(value = ValuesSet.class, names = { "TRUST", "TRUST_KUBERNETES", "PRODUCTION" })
	void eachAgentReadsItsOwnCertificateFromItsOwnSecret(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			String agent = agent(deployment);
			Path certificate = Path.of(new ContainerEnvironment(container(deployment)).property(CERTIFICATE));
			assertThat(certificate.getFileName()).as(agent).hasToString(agent + ".key_secret");
			Mounted mounted = Mounted.at(deployment, certificate.getParent());
			assertThat(mounted.volume().getSecret()).as("%s: a Secret", agent).isNotNull();
			assertThat(mounted.volume().getSecret().getSecretName()).as(agent)
				.isEqualTo(values == ValuesSet.PRODUCTION && agent.equals("model-worker")
						? "agentry-model-worker-cert-2025" : "rel-agentry-" + agent + "-curve");
			// Only the agent's own entry, under its own name: a Secret without it stops the pod.
			assertThat(mounted.volume().getSecret().getItems()).extracting(KeyToPath::getKey, KeyToPath::getPath)
				.containsExactly(tuple(agent + ".key_secret", agent + ".key_secret"));
			assertThat(mounted.volume().getSecret().getOptional()).isNotEqualTo(Boolean.TRUE);
			// Readable by the agent's group (fsGroup) only.
			assertThat(mounted.volume().getSecret().getDefaultMode()).isEqualTo(0440);
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			assertThat(pod.getSecurityContext().getFsGroup()).isNotNull();
		}
	}

	@ParameterizedTest
	@EnumSource(value = ValuesSet.class, names = { "TRUST", "TRUST_KUBERNETES", "PRODUCTION" })
	void authorizedKeysAreOneDirectoryMountedWholeSoThatTheKubeletUpdatesItInPlace(ValuesSet values)
			throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			String agent = agent(deployment);
			ContainerEnvironment environment = new ContainerEnvironment(container(deployment));
			Path directory = Path.of(environment.property(AUTHORIZED_KEYS));
			Mounted mounted = Mounted.at(deployment, directory);
			assertThat(mounted.mount().getMountPath()).as("%s: the directory itself is the mount", agent)
				.isEqualTo(directory.toString());
			Volume volume = mounted.volume();
			if (values == ValuesSet.PRODUCTION) {
				assertThat(volume.getSecret()).as(agent).isNotNull();
				assertThat(volume.getSecret().getSecretName()).isEqualTo("agentry-authorized-keys");
				assertThat(volume.getSecret().getItems()).as("every key, not a chosen few").isEmpty();
			}
			else {
				assertThat(volume.getConfigMap()).as(agent).isNotNull();
				assertThat(volume.getConfigMap().getName()).isEqualTo("rel-agentry-curve-authorized-keys");
				assertThat(volume.getConfigMap().getItems()).as("every key, not a chosen few").isEmpty();
			}
			// The agent's own secret is never among the keys it authorizes.
			assertThat(Path.of(environment.property(CERTIFICATE)).startsWith(directory)).as(agent).isFalse();
		}
	}

	@ParameterizedTest
	@EnumSource(value = ValuesSet.class, names = { "TRUST", "TRUST_KUBERNETES", "PRODUCTION" })
	void theAgentsThatRegisterPinTheRegistrysPublicKey(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			ContainerEnvironment environment = new ContainerEnvironment(container(deployment));
			// With discovery: kubernetes nothing registers, so no one pins a registry.
			if (agent(deployment).equals(REGISTRY) || values.discovery() == ValuesSet.Discovery.KUBERNETES) {
				assertThat(environment.property(PINNED_REGISTRY_KEY)).as(agent(deployment)).isNull();
			}
			else {
				assertThat(environment.property(PINNED_REGISTRY_KEY)).as(agent(deployment))
					.isEqualTo(REGISTRY_PUBLIC_KEY)
					.hasSize(40);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = ValuesSet.class, names = { "TRUST", "TRUST_KUBERNETES", "PRODUCTION" })
	void theModelWorkerPinsTheInterruptHandlersPublicKey(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			String pinned = new ContainerEnvironment(container(deployment)).property("model-worker.interrupt-public-key");
			if (agent(deployment).equals("model-worker")) {
				assertThat(pinned).isEqualTo("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID");
			}
			else {
				assertThat(pinned).as(agent(deployment)).isNull();
			}
		}
	}

	/**
	 * Z85 keys contain {@code $}, and the kubelet reads {@code $$} in an env value as one
	 * {@code $}: a key must reach the agent as written all the same, in either discovery.
	 */
	@Test
	void aKeyWithDollarSignsReachesTheAgentAsWritten() throws Exception {
		String key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]$$7";
		RenderedChart registry = RenderedChart.parse(Helm.require(helmHome)
			.template(List.of(Repository.TRUST_VALUES), "security.curve.registryPublicKey=" + key,
					"security.curve.interruptHandlerPublicKey=" + key)
			.outIfSucceeded());
		ContainerEnvironment worker = new ContainerEnvironment(container(registry.deployment("model-worker")));
		assertThat(worker.variable("AGENT_REGISTRY_PUBLICKEY")).isEqualTo(key);
		assertThat(worker.property(PINNED_REGISTRY_KEY)).isEqualTo(key);
		assertThat(worker.property("model-worker.interrupt-public-key")).isEqualTo(key);
		RenderedChart kubernetes = RenderedChart.parse(Helm.require(helmHome)
			.template(List.of(Repository.TRUST_KUBERNETES_VALUES), "security.curve.publicKeys.model-worker=" + key)
			.outIfSucceeded());
		assertThat(new ContainerEnvironment(container(kubernetes.deployment("request-coordinator")))
			.property("request-coordinator.workers-public-key")).isEqualTo(key);
		assertThat(new ContainerEnvironment(container(kubernetes.deployment("observability-hub")))
			.property("observability-hub.agents[0].public-key")).isEqualTo(key);
		// As rendered, before the kubelet: every $ doubled.
		assertThat(container(kubernetes.deployment("request-coordinator")).getEnv())
			.filteredOn((env) -> env.getName().equals("REQUEST_COORDINATOR_WORKERS_PUBLIC_KEY"))
			.singleElement()
			.satisfies((env) -> assertThat(env.getValue()).endsWith("]$$$$7"));
	}

	/** No subPath anywhere: a subPath mount is a copy that the kubelet never updates. */
	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void noVolumeIsMountedBySubPath(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			assertThat(container(deployment).getVolumeMounts()).as(agent(deployment))
				.allSatisfy((mount) -> assertThat(mount.getSubPath()).isNullOrEmpty());
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void oneNetworkPolicyPerAgentWhenEnabled(ValuesSet values) throws Exception {
		RenderedChart chart = rendering(values);
		List<NetworkPolicy> policies = chart.all(NetworkPolicy.class);
		if (!values.trust()) {
			assertThat(policies).isEmpty();
			return;
		}
		assertThat(policies).extracting((policy) -> chart.selectedBy(policy.getSpec().getPodSelector().getMatchLabels()))
			.allSatisfy((selected) -> assertThat(selected).hasSize(1))
			.extracting((selected) -> agent(selected.get(0)))
			.containsExactlyInAnyOrderElementsOf(values.agents());
		for (NetworkPolicy policy : policies) {
			assertThat(policy.getSpec().getPodSelector().getMatchExpressions()).isEmpty();
			// Egress stays open: the agents need DNS, each other and the Pushgateway.
			assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
			assertThat(policy.getSpec().getEgress()).isEmpty();
			// A rule without peers would let everyone in.
			assertThat(policy.getSpec().getIngress())
				.allSatisfy((rule) -> assertThat(rule.getFrom()).as(policy.getMetadata().getName()).isNotEmpty())
				.allSatisfy((rule) -> assertThat(rule.getPorts()).isNotEmpty());
		}
	}

	@ParameterizedTest
	@EnumSource(value = ValuesSet.class, names = { "TRUST", "TRUST_KUBERNETES", "PRODUCTION" })
	void zeroMqPortsAreOpenToThisReleasesAgentsAndHttpToTheNamespaceOrMonitoring(ValuesSet values)
			throws Exception {
		RenderedChart chart = rendering(values);
		for (Deployment deployment : chart.deployments()) {
			String agent = agent(deployment);
			NetworkPolicy policy = policyOf(chart, deployment);
			Set<Integer> zmqPorts = container(deployment).getPorts()
				.stream()
				.filter((port) -> port.getName().startsWith("zmq"))
				.map(ContainerPort::getContainerPort)
				.collect(Collectors.toSet());
			assertThat(zmqPorts).contains(5555, 5556);
			if (agent.equals("streaming-interrupt-handler")) {
				assertThat(zmqPorts).contains(5532);
			}
			// Each of the container's ports is in exactly one rule: ZeroMQ's, or HTTP's.
			NetworkPolicyIngressRule zmq = ruleFor(policy, 5555);
			NetworkPolicyIngressRule http = ruleFor(policy, 8080);
			assertThat(ports(zmq)).as(agent).containsExactlyInAnyOrderElementsOf(zmqPorts);
			assertThat(ports(http)).as(agent).containsExactly(RenderedChart.containerPort(container(deployment), "http"));
			assertThat(policy.getSpec().getIngress()).as(agent).hasSize(2);
			// ZeroMQ: every agent of this release, in this namespace, and no one else unless configured.
			NetworkPolicyPeer release = zmq.getFrom().get(0);
			assertThat(release.getNamespaceSelector()).isNull();
			assertThat(release.getIpBlock()).isNull();
			assertThat(chart.selectedBy(release.getPodSelector().getMatchLabels()))
				.containsExactlyInAnyOrderElementsOf(chart.deployments());
			assertThat(release.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", Helm.RELEASE);
			List<NetworkPolicyPeer> others = zmq.getFrom().subList(1, zmq.getFrom().size());
			if (values == ValuesSet.PRODUCTION && agent.equals("request-coordinator")) {
				assertThat(others).singleElement().satisfies((clients) -> {
					assertThat(clients.getNamespaceSelector().getMatchLabels())
						.containsExactly(Map.entry("kubernetes.io/metadata.name", "frontend"));
					assertThat(clients.getPodSelector().getMatchLabels()).containsExactly(Map.entry("app", "agentry-client"));
				});
			}
			else {
				assertThat(others).as(agent).isEmpty();
			}
			// HTTP: the whole namespace (TRUST), or only Prometheus in its namespace (PRODUCTION).
			if (values == ValuesSet.PRODUCTION) {
				assertThat(http.getFrom()).singleElement().satisfies((prometheus) -> {
					assertThat(prometheus.getNamespaceSelector().getMatchLabels())
						.containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
					assertThat(prometheus.getPodSelector().getMatchLabels())
						.containsExactly(Map.entry("app.kubernetes.io/name", "prometheus"));
				});
			}
			else {
				assertThat(http.getFrom()).singleElement().satisfies((namespace) -> {
					assertThat(namespace.getNamespaceSelector()).isNull();
					assertThat(namespace.getPodSelector().getMatchLabels()).isEmpty();
					assertThat(namespace.getPodSelector().getMatchExpressions()).isEmpty();
				});
			}
		}
	}

	@Test
	void egressRulesWhenGivenAreTheOnlyEgressAllowed() throws Exception {
		RenderedChart chart = RenderedChart.parse(Helm.require(helmHome)
			.template(List.of(Repository.TRUST_VALUES), "networkPolicy.egress[0].ports[0].port=53",
					"networkPolicy.egress[0].ports[0].protocol=UDP")
			.outIfSucceeded());
		for (NetworkPolicy policy : chart.all(NetworkPolicy.class)) {
			assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
			assertThat(policy.getSpec().getEgress()).singleElement()
				.satisfies((rule) -> assertThat(rule.getPorts()).singleElement().satisfies((port) -> {
					assertThat(port.getPort().getIntVal()).isEqualTo(53);
					assertThat(port.getProtocol()).isEqualTo("UDP");
				}));
		}
	}

	@Test
	void withoutNamespaceOrMonitoringPeersHttpGetsNoRuleRatherThanAnOpenOne() throws Exception {
		RenderedChart chart = RenderedChart.parse(Helm.require(helmHome)
			.template(List.of(Repository.TRUST_VALUES), "networkPolicy.http.fromNamespace=false")
			.outIfSucceeded());
		for (NetworkPolicy policy : chart.all(NetworkPolicy.class)) {
			assertThat(policy.getSpec().getIngress()).singleElement()
				.satisfies((rule) -> assertThat(ports(rule)).doesNotContain(8080));
		}
	}

	private static NetworkPolicy policyOf(RenderedChart chart, Deployment deployment) {
		return chart.all(NetworkPolicy.class)
			.stream()
			.filter((policy) -> chart.selectedBy(policy.getSpec().getPodSelector().getMatchLabels())
				.contains(deployment))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No NetworkPolicy selects " + agent(deployment)));
	}

	private static NetworkPolicyIngressRule ruleFor(NetworkPolicy policy, int port) {
		List<NetworkPolicyIngressRule> rules = policy.getSpec()
			.getIngress()
			.stream()
			.filter((rule) -> ports(rule).contains(port))
			.toList();
		assertThat(rules).as("rules of %s with port %d", policy.getMetadata().getName(), port).hasSize(1);
		return rules.get(0);
	}

	private static List<Integer> ports(NetworkPolicyIngressRule rule) {
		List<Integer> ports = new ArrayList<>();
		for (NetworkPolicyPort port : rule.getPorts()) {
			assertThat(port.getProtocol()).isEqualTo("TCP");
			ports.add(port.getPort().getIntVal());
		}
		return ports;
	}

	/** The container's mount of a path and the pod's volume behind it. */
	private record Mounted(VolumeMount mount, Volume volume) {

		static Mounted at(Deployment deployment, Path path) {
			Container container = container(deployment);
			VolumeMount mount = container.getVolumeMounts()
				.stream()
				.filter((candidate) -> Path.of(candidate.getMountPath()).equals(path))
				.findFirst()
				.orElseThrow(() -> new AssertionError(path + " is not a mount of " + agent(deployment)));
			assertThat(mount.getReadOnly()).as(path.toString()).isTrue();
			assertThat(mount.getSubPath()).as(path.toString()).isNullOrEmpty();
			Volume volume = deployment.getSpec()
				.getTemplate()
				.getSpec()
				.getVolumes()
				.stream()
				.filter((candidate) -> candidate.getName().equals(mount.getName()))
				.findFirst()
				.orElseThrow();
			return new Mounted(mount, volume);
		}

	}

}
