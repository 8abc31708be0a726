package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.agentry.core.AgentProperties;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.samples.interrupts.InterruptHandlerProperties;
import dev.agentry.samples.modelworker.ModelWorkerProperties;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusProperties;
import org.springframework.boot.micrometer.metrics.export.prometheus.PrometheusPushGatewayManager.ShutdownOperation;

import static dev.agentry.samples.deploy.RenderedChart.agent;
import static dev.agentry.samples.deploy.RenderedChart.container;
import static dev.agentry.samples.deploy.RenderedChart.containerPort;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart rendered by the real helm with the default and the example production values,
 * every manifest parsed strictly, and the rules of a rolling update that loses no request
 * checked on what the agents will really read from their environment.
 */
class HelmChartTests {

	private static final String REGISTRY = "service-registry";

	private static final String MODEL_WORKER = "model-worker";

	private static final String INTERRUPT_HANDLER = "streaming-interrupt-handler";

	/** The chart's default exitMargin: time for the JVM to exit after the last step. */
	private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

	@TempDir
	static Path helmHome;

	private static final Map<ValuesSet, RenderedChart> renderings = new EnumMap<>(ValuesSet.class);

	/** helm, or each test skipped (failed under agentry.require-tools) saying that it is missing. */
	private static Helm helm() {
		return Helm.require(helmHome);
	}

	/** The chart rendered with these values and parsed strictly, once per values set. */
	private static RenderedChart rendering(ValuesSet values) throws Exception {
		Helm helm = helm();
		RenderedChart chart = renderings.get(values);
		if (chart == null) {
			chart = RenderedChart.parse(helm.template(values.files()).outIfSucceeded());
			renderings.put(values, chart);
		}
		return chart;
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void lintPassesStrict(ValuesSet values) throws Exception {
		assertThat(helm().lint(values.files()).outIfSucceeded()).contains("0 chart(s) failed");
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void rendersADeploymentAndAServiceForEachEnabledAgentAndNoOtherKinds(ValuesSet values) throws Exception {
		RenderedChart chart = rendering(values);
		assertThat(chart.resources()).extracting(HasMetadata::getKind)
			.isSubsetOf("Deployment", "Service", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule", "ConfigMap",
					"NetworkPolicy");
		assertThat(chart.deployments()).extracting(RenderedChart::agent)
			.containsExactlyInAnyOrderElementsOf(values.agents());
		assertThat(chart.clusterIpServices()).hasSameSizeAs(values.agents());
		// With discovery: kubernetes, a headless Service per agent too (HelmChartDiscoveryTests).
		assertThat(chart.headlessServices())
			.hasSize((values.discovery() == ValuesSet.Discovery.KUBERNETES) ? values.agents().size() : 0);
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void rollingUpdatesStartANewPodBeforeStoppingAnOldOne(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
			RollingUpdateDeployment rollingUpdate = deployment.getSpec().getStrategy().getRollingUpdate();
			assertThat(rollingUpdate.getMaxUnavailable().getIntVal()).as(deployment.getMetadata().getName())
				.isZero();
			assertThat(rollingUpdate.getMaxSurge().getIntVal()).as(deployment.getMetadata().getName()).isOne();
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void gracePeriodCoversTheShutdownBudgetThatTheAgentComputesFromItsEnvironment(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			Duration gracePeriod = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());
			int[] parts = PARTS.get(agent(deployment));
			ShutdownBudget budget = new ContainerEnvironment(container(deployment)).shutdownBudget(parts[0], parts[1]);
			assertThat(gracePeriod).as("grace period of %s", agent(deployment))
				.isGreaterThanOrEqualTo(budget.worstCase().plus(EXIT_MARGIN));
			// agent.shutdown.grace-period, which the agent checks its budget against, is the pod's.
			assertThat(budget.gracePeriod()).as("agent.shutdown.grace-period of %s", agent(deployment))
				.isEqualTo(gracePeriod);
			assertThat(budget.exceedsGracePeriod()).isFalse();
			// The in-app delay replaces a preStop sleep, which would only add to the stop.
			assertThat(budget.delay()).isPositive();
			assertThat(container(deployment).getLifecycle()).isNull();
		}
	}

	@Test
	void defaultGracePeriodIsTheDefaultBudgetPlusTheExitMargin() throws Exception {
		Deployment coordinator = rendering(ValuesSet.DEFAULT).deployment("request-coordinator");
		ShutdownBudget budget = new ContainerEnvironment(container(coordinator)).shutdownBudget(0, 1);
		// delay 5s + drain-timeout 10s + worker-join-timeout 10s, linger 1s for the flush, the
		// health socket, one client and the context, 5.5s of margins (the web server's 1s among
		// them), then 5s to exit.
		assertThat(budget.worstCase()).isEqualTo(Duration.ofMillis(34_500));
		assertThat(coordinator.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(40);
	}

	@Test
	void gracePeriodRoundsABudgetInMillisecondsUp() throws Exception {
		RenderedChart chart = RenderedChart.parse(helm().template(List.of(), "shutdown.delay=500ms",
				"shutdown.zmqLinger=250ms", "shutdown.workerJoinTimeout=1m")
			.outIfSucceeded());
		Deployment whole = chart.deployment("request-coordinator");
		ShutdownBudget budget = new ContainerEnvironment(container(whole)).shutdownBudget(0, 1);
		// 0.5 s + 10 s + 60 s, 4 x 0.25 s of linger, 5.5 s of margins, then 5 s to exit: 82 s.
		assertThat(budget.worstCase()).isEqualTo(Duration.ofMillis(77_000));
		assertThat(whole.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(82);
		RenderedChart odd = RenderedChart.parse(helm().template(List.of(), "shutdown.delay=501ms").outIfSucceeded());
		Deployment coordinator = odd.deployment("request-coordinator");
		// 0.501 s + 10 s + 10 s, 4 x 1 s of linger, 5.5 s of margins, then 5 s to exit: 35.001 s, rounded up.
		assertThat(coordinator.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(36);
		assertThat(new ContainerEnvironment(container(coordinator)).shutdownBudget().gracePeriod())
			.isEqualTo(Duration.ofSeconds(36));
	}

	/** The streams and clients (the registry's aside) of each sample agent, as the chart's values give them. */
	private static final Map<String, int[]> PARTS = Map.of("service-registry", new int[] { 0, 0 }, MODEL_WORKER,
			new int[] { 1, 0 }, "request-coordinator", new int[] { 0, 1 }, "streaming-interrupt-handler",
			new int[] { 1, 0 }, "observability-hub", new int[] { 0, 1 });

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void gracePeriodIsWhatShutdownBudgetComputesForTheSameSettingsPlusTheExitMargin(ValuesSet values)
			throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			int[] parts = PARTS.get(agent(deployment));
			ShutdownBudget budget = new ContainerEnvironment(container(deployment)).shutdownBudget(parts[0], parts[1]);
			long minimum = (budget.worstCase().plus(EXIT_MARGIN).toMillis() + 999) / 1000;
			if (values == ValuesSet.PRODUCTION && agent(deployment).equals(MODEL_WORKER)) {
				// Set explicitly there, above the minimum.
				assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(minimum);
			}
			else {
				assertThat(pod.getTerminationGracePeriodSeconds()).as("grace period of %s", agent(deployment))
					.isEqualTo(minimum);
			}
		}
	}

	@Test
	void productionValuesOverrideOneAgentsShutdownAndEnvironment() throws Exception {
		Deployment worker = rendering(ValuesSet.PRODUCTION).deployment(MODEL_WORKER);
		ContainerEnvironment environment = new ContainerEnvironment(container(worker));
		assertThat(environment.agent().shutdown().drainTimeout()).isEqualTo(Duration.ofSeconds(120));
		assertThat(environment.agent().shutdown().delay()).isEqualTo(Duration.ofSeconds(10));
		assertThat(worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(180);
		assertThat(environment.bind("model-worker", ModelWorkerProperties.class).latency())
			.isEqualTo(Duration.ofMillis(50));
		assertThat(worker.getSpec().getReplicas()).isEqualTo(4);
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void probesAskActuatorsHealthGroupsOnThePortTheAgentServesHttpOn(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			Container container = container(deployment);
			int serverPort = new ContainerEnvironment(container).bind("server.port", Integer.class);
			assertThat(containerPort(container, "http")).isEqualTo(serverPort).isEqualTo(8080);
			assertThat(container.getStartupProbe()).isNotNull();
			assertHttpProbe(container.getStartupProbe(), "/actuator/health/liveness");
			assertHttpProbe(container.getReadinessProbe(), "/actuator/health/readiness");
			assertHttpProbe(container.getLivenessProbe(), "/actuator/health/liveness");
		}
	}

	private static void assertHttpProbe(Probe probe, String path) {
		assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
		assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
	}

	/** The samples bind 127.0.0.1 when started by hand; in a pod every interface must answer. */
	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void everyAgentBindsEveryInterfaceAsAPodNeeds(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			ContainerEnvironment environment = new ContainerEnvironment(container(deployment));
			AgentProperties agent = environment.agent();
			assertThat(environment.bind("server.address", String.class)).isEqualTo("0.0.0.0");
			assertThat(agent.endpoint().bind()).isEqualTo("tcp://*:5555");
			assertThat(agent.health().bind()).isEqualTo("tcp://*:5556");
		}
		Container handler = container(rendering(values).deployment(INTERRUPT_HANDLER));
		assertThat(new ContainerEnvironment(handler).bind("streaming-interrupt-handler", InterruptHandlerProperties.class)
			.publishBind()).isEqualTo("tcp://*:5532");
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void containerPortsAreThePortsTheAgentBinds(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			Container container = container(deployment);
			AgentProperties agent = new ContainerEnvironment(container).agent();
			assertThat(containerPort(container, "zmq")).isEqualTo(ZmqAddress.parse(agent.endpoint().bind()).port())
				.isEqualTo(5555);
			assertThat(containerPort(container, "zmq-health"))
				.isEqualTo(ZmqAddress.parse(agent.health().bind()).port())
				.isEqualTo(5556);
		}
		Container handler = container(rendering(values).deployment(INTERRUPT_HANDLER));
		String publishBind = new ContainerEnvironment(handler)
			.bind("streaming-interrupt-handler", InterruptHandlerProperties.class)
			.publishBind();
		assertThat(containerPort(handler, "zmq-pub")).isEqualTo(ZmqAddress.parse(publishBind).port());
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void theImagesEntrypointRunsWithTheAgentAsFirstArgument(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			Container container = container(deployment);
			// No command: the image's exec-form ENTRYPOINT keeps the JVM as PID 1.
			assertThat(container.getCommand()).isEmpty();
			assertThat(container.getArgs()).containsExactly(agent(deployment));
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void agentsRunAsNonRootOnAReadOnlyRootFilesystemWithAWritableTmp(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			PodSpec pod = deployment.getSpec().getTemplate().getSpec();
			PodSecurityContext podSecurity = pod.getSecurityContext();
			assertThat(podSecurity.getRunAsNonRoot()).isTrue();
			assertThat(podSecurity.getRunAsUser()).isPositive();
			assertThat(podSecurity.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
			Container container = container(deployment);
			SecurityContext security = container.getSecurityContext();
			assertThat(security.getRunAsNonRoot()).isTrue();
			assertThat(security.getReadOnlyRootFilesystem()).isTrue();
			assertThat(security.getAllowPrivilegeEscalation()).isFalse();
			assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
			assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
			// /tmp is the one writable place; anything else mounted (CURVE's keys) is read-only.
			assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp");
			for (VolumeMount mount : container.getVolumeMounts()) {
				Volume volume = pod.getVolumes()
					.stream()
					.filter((candidate) -> candidate.getName().equals(mount.getName()))
					.findFirst()
					.orElseThrow();
				if (mount.getMountPath().equals("/tmp")) {
					assertThat(volume.getEmptyDir()).isNotNull();
				}
				else {
					assertThat(mount.getReadOnly()).as(mount.getMountPath()).isTrue();
					assertThat(volume.getEmptyDir()).as(mount.getMountPath()).isNull();
				}
			}
			assertThat(pod.getAutomountServiceAccountToken()).isFalse();
			// Service links would add *_PORT variables that Spring may read as properties.
			assertThat(pod.getEnableServiceLinks()).isFalse();
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void theShutdownReportBecomesTheTerminationMessage(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			assertThat(container(deployment).getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
			assertThat(container(deployment).getTerminationMessagePath()).isEqualTo("/dev/termination-log");
		}
	}

	/** With discovery: kubernetes nothing registers (HelmChartDiscoveryTests checks the rest). */
	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void agentsAdvertiseTheirPodAndRegisterThroughTheRegistrysServiceWithRegistryDiscovery(ValuesSet values)
			throws Exception {
		RenderedChart chart = rendering(values);
		for (Deployment deployment : chart.deployments()) {
			AgentProperties agent = new ContainerEnvironment(container(deployment)).agent();
			assertThat(agent.advertiseHost()).isEqualTo(ContainerEnvironment.POD_IP);
			if (agent(deployment).equals(REGISTRY)) {
				assertThat(agent.registry().endpoint()).as(agent(deployment)).isNull();
			}
			else if (values.discovery() == ValuesSet.Discovery.KUBERNETES) {
				assertThat(agent.registry().enabled()).as(agent(deployment)).isFalse();
			}
			else {
				assertRoutesTo(chart, ZmqAddress.parse(agent.registry().endpoint()), REGISTRY, "zmq");
			}
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void workersSubscribeToTheInterruptHandlersService(ValuesSet values) throws Exception {
		RenderedChart chart = rendering(values);
		ModelWorkerProperties worker = new ContainerEnvironment(container(chart.deployment(MODEL_WORKER)))
			.bind("model-worker", ModelWorkerProperties.class);
		assertRoutesTo(chart, ZmqAddress.parse(worker.interruptEndpoint()), INTERRUPT_HANDLER, "zmq-pub");
	}

	/** The address names a Service port that reaches the named port of that agent's pods only. */
	private static void assertRoutesTo(RenderedChart chart, ZmqAddress address, String agent, String portName) {
		Service service = chart.service(address.host());
		assertThat(chart.selectedBy(service.getSpec().getSelector())).extracting(RenderedChart::agent)
			.containsExactly(agent);
		ServicePort port = service.getSpec()
			.getPorts()
			.stream()
			.filter((candidate) -> candidate.getPort() == address.port())
			.findFirst()
			.orElseThrow(() -> new AssertionError(address + " matches no port of " + address.host()));
		assertThat(port.getTargetPort().getStrVal()).isEqualTo(portName);
		containerPort(container(chart.deployment(agent)), portName);
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void eachServiceRoutesHttpZmqAndHealthToItsOwnAgent(ValuesSet values) throws Exception {
		RenderedChart chart = rendering(values);
		// The headless Services have no http port: HelmChartDiscoveryTests.
		for (Service service : chart.clusterIpServices()) {
			List<Deployment> selected = chart.selectedBy(service.getSpec().getSelector());
			assertThat(selected).as(service.getMetadata().getName()).hasSize(1);
			Container container = container(selected.get(0));
			assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName)
				.contains("http", "zmq", "zmq-health");
			for (ServicePort port : service.getSpec().getPorts()) {
				assertThat(containerPort(container, port.getTargetPort().getStrVal())).isEqualTo(port.getPort());
			}
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void disruptionBudgetsCoverExactlyTheAgentsWithMoreThanOneReplica(ValuesSet values) throws Exception {
		RenderedChart chart = rendering(values);
		Set<String> replicated = chart.deployments()
			.stream()
			.filter((deployment) -> deployment.getSpec().getReplicas() > 1)
			.map(RenderedChart::agent)
			.collect(Collectors.toSet());
		assertThat(replicated).isNotEmpty();
		List<PodDisruptionBudget> budgets = chart.all(PodDisruptionBudget.class);
		assertThat(budgets)
			.extracting((budget) -> chart.selectedBy(budget.getSpec().getSelector().getMatchLabels()))
			.allSatisfy((selected) -> assertThat(selected).hasSize(1))
			.extracting((selected) -> agent(selected.get(0)))
			.containsExactlyInAnyOrderElementsOf(replicated);
		assertThat(budgets).allSatisfy((budget) -> assertThat(budget.getSpec().getMaxUnavailable().getIntVal())
			.isOne());
	}

	@Test
	void serviceMonitorsOnlyWhenEnabled() throws Exception {
		assertThat(rendering(ValuesSet.DEFAULT).all(ServiceMonitor.class)).isEmpty();
		RenderedChart production = rendering(ValuesSet.PRODUCTION);
		List<ServiceMonitor> monitors = production.all(ServiceMonitor.class);
		assertThat(monitors).hasSameSizeAs(ValuesSet.PRODUCTION.agents());
		for (ServiceMonitor monitor : monitors) {
			// One Service each, the one with the http port: not the agent's headless Service.
			assertThat(production.all(Service.class))
				.filteredOn((service) -> RenderedChart.selects(monitor.getSpec().getSelector(),
						service.getMetadata().getLabels()))
				.singleElement()
				.satisfies((service) -> assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName)
					.contains("http"));
			assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies((Endpoint endpoint) -> {
				assertThat(endpoint.getPort()).isEqualTo("http");
				assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
			});
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void podsCarryPrometheusScrapeAnnotations(ValuesSet values) throws Exception {
		for (Deployment deployment : rendering(values).deployments()) {
			assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
				.containsEntry("prometheus.io/scrape", "true")
				.containsEntry("prometheus.io/path", "/actuator/prometheus")
				.containsEntry("prometheus.io/port", "8080");
		}
	}

	@Test
	void pushgatewayIsOffByDefault() throws Exception {
		for (Deployment deployment : rendering(ValuesSet.DEFAULT).deployments()) {
			assertThat(pushgateway(deployment).isEnabled()).isFalse();
		}
	}

	@Test
	void pushgatewayReceivesEachPodsMetricsInItsOwnGroupAtShutdown() throws Exception {
		for (Deployment deployment : rendering(ValuesSet.PRODUCTION).deployments()) {
			PrometheusProperties.Pushgateway pushgateway = pushgateway(deployment);
			assertThat(pushgateway.isEnabled()).isTrue();
			assertThat(pushgateway.getAddress()).isEqualTo("prometheus-pushgateway.monitoring:9091");
			assertThat(pushgateway.getJob()).isEqualTo("agentry");
			assertThat(pushgateway.getShutdownOperation()).isEqualTo(ShutdownOperation.PUT);
			assertThat(pushgateway.getGroupingKey()).containsExactly(Map.entry("instance", ContainerEnvironment.POD_NAME));
		}
	}

	private static PrometheusProperties.Pushgateway pushgateway(Deployment deployment) {
		return new ContainerEnvironment(container(deployment))
			.bind("management.prometheus.metrics.export", PrometheusProperties.class)
			.getPushgateway();
	}

}
