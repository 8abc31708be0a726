package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the chart must refuse: values.schema.json stops a wrong type or an unknown key in
 * both {@code helm lint} and {@code helm template}, and the templates stop a grace period
 * below the shutdown budget, CURVE without a valid key where one is pinned, and settings that would
 * bypass the chart's own wiring (Helm 4's lint reports a template's {@code fail} without
 * failing, so those are checked with {@code helm template}, which {@code helm install} runs).
 */
class HelmChartRejectsTests {

	private static final String SCHEMA_FAILURE = "values don't meet the specifications of the schema";

	/** The chart's registry mode; the default is discovery: kubernetes. */
	private static final String REGISTRY_DISCOVERY = "discovery=registry";

	/** A public key: the example key of ZeroMQ's zmq_curve manual. */
	private static final String KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

	@TempDir
	static Path helmHome;

	/** helm, or each test skipped (failed under agentry.require-tools) saying that it is missing. */
	private static Helm helm() {
		return Helm.require(helmHome);
	}

	@Test
	void aWrongTypeFailsTheSchema() throws Exception {
		assertRefused("agents.model-worker.replicas", "agents.model-worker.replicas=two");
		assertRefused("shutdown.delay", "shutdown.delay=5");
		assertRefused("metrics.serviceMonitor.enabled", "metrics.serviceMonitor.enabled=yes");
	}

	@Test
	void anUnknownKeyFailsTheSchema() throws Exception {
		assertRefused("drainTimout", "shutdown.drainTimout=20s");
		assertRefused("replica", "agents.model-worker.replica=3");
		assertRefused("imageTag", "imageTag=1.0");
	}

	@Test
	void anUnknownAgentFailsTheSchema() throws Exception {
		assertRefused("model-wroker", "agents.model-wroker.enabled=true", "agents.model-wroker.replicas=1");
	}

	@Test
	void aDurationWithoutUnitFailsTheSchema() throws Exception {
		assertRefused("shutdown.drainTimeout", "shutdown.drainTimeout=20 s");
		assertRefused("pushgateway.shutdownOperation", "pushgateway.shutdownOperation=delete");
	}

	@Test
	void badAlertThresholdsFailTheSchema() throws Exception {
		assertRefused("share", "metrics.prometheusRule.alerts.shutdownNearGracePeriod.share=1.5");
		assertRefused("ratio", "metrics.prometheusRule.alerts.unavailable.ratio=-0.1");
		assertRefused("for", "metrics.prometheusRule.alerts.notReady.for=10 minutes");
		assertRefused("severity", "metrics.prometheusRule.alerts.forcedDrain.severity=urgent");
		assertRefused("forcedDrian", "metrics.prometheusRule.alerts.forcedDrian.enabled=true");
		assertRefused("window", "metrics.prometheusRule.window=10");
		assertRefused("grafanaDashboard", "metrics.grafanaDashboard.enabled=yes");
	}

	@Test
	void aFixedHeapFailsTheSchema() throws Exception {
		assertRefused("jvmOptions", "jvmOptions=-Xmx1g");
	}

	@Test
	void runningAsRootFailsTheSchema() throws Exception {
		assertRefused("securityContext.runAsUser", "securityContext.runAsUser=0");
	}

	@Test
	void aGracePeriodBelowTheShutdownBudgetFailsRendering() throws Exception {
		assertTemplateFails("terminationGracePeriodSeconds 42 is below the shutdown budget of 43s",
				"shutdown.terminationGracePeriodSeconds=42");
		assertTemplateFails("agents.model-worker: terminationGracePeriodSeconds 30 is below the shutdown budget",
				"agents.model-worker.shutdown.terminationGracePeriodSeconds=30");
		// An explicit grace period that a longer drain outgrows.
		assertTemplateFails("agents.model-worker: terminationGracePeriodSeconds 42 is below the shutdown budget "
				+ "of 93s", "shutdown.terminationGracePeriodSeconds=42", "agents.model-worker.shutdown.drainTimeout=1m");
	}

	@Test
	void aGracePeriodEqualToTheShutdownBudgetRenders() throws Exception {
		Command.Result result = helm().template(List.of(), "shutdown.terminationGracePeriodSeconds=43");
		assertThat(result.outIfSucceeded()).contains("terminationGracePeriodSeconds: 43");
	}

	@Test
	void anAgentsEnvCannotReplaceWhatTheChartSets() throws Exception {
		assertTemplateFails("agents.model-worker.env.AGENT_SHUTDOWN_GRACE_PERIOD is set by the chart",
				"agents.model-worker.env.AGENT_SHUTDOWN_GRACE_PERIOD=10s");
	}

	@Test
	void curveWithoutTheRegistrysPublicKeyFailsRenderingWithRegistryDiscovery() throws Exception {
		assertTemplateFails("security.curve.enabled needs security.curve.registryPublicKey", REGISTRY_DISCOVERY,
				"security.curve.enabled=true");
	}

	@Test
	void curveWithoutTheInterruptHandlersPublicKeyFailsRendering() throws Exception {
		assertTemplateFails("security.curve.enabled needs security.curve.interruptHandlerPublicKey", REGISTRY_DISCOVERY,
				"security.curve.enabled=true", "security.curve.registryPublicKey=rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
		assertTemplateFails("security.curve.interruptHandlerPublicKey \"short\" is not a CURVE public key",
				REGISTRY_DISCOVERY, "security.curve.enabled=true",
				"security.curve.registryPublicKey=rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
				"security.curve.interruptHandlerPublicKey=short");
		// With discovery: kubernetes too; publicKeys can give it instead.
		assertTemplateFails("security.curve.enabled needs security.curve.interruptHandlerPublicKey "
				+ "(or security.curve.publicKeys.streaming-interrupt-handler)", "security.curve.enabled=true");
	}

	@Test
	void curveWithARegistryKeyThatIsNot40Z85CharactersFailsRendering() throws Exception {
		// 39 characters; a character outside Z85; the line of the .key file, quotes and all.
		assertTemplateFails("is not a CURVE public key: it must be 40 Z85 characters", REGISTRY_DISCOVERY,
				"security.curve.enabled=true", "security.curve.registryPublicKey=rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf");
		assertTemplateFails("is not a CURVE public key", REGISTRY_DISCOVERY, "security.curve.enabled=true",
				"security.curve.registryPublicKey=rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf~");
		assertTemplateFails("is not a CURVE public key", REGISTRY_DISCOVERY, "security.curve.enabled=true",
				"security.curve.registryPublicKey=public-key = \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\"");
	}

	@Test
	void curveWithKubernetesDiscoveryNeedsTheKeyOfEveryServiceAClientPins() throws Exception {
		// The coordinator pins the model-workers' key (the hub off, so that it is the only client).
		assertTemplateFails("security.curve.enabled needs security.curve.publicKeys.model-worker: the model-worker's "
				+ "public key", "security.curve.enabled=true", "security.curve.interruptHandlerPublicKey=" + KEY,
				"agents.observability-hub.enabled=false");
		assertTemplateFails("which the request-coordinator pins with discovery: kubernetes", "security.curve.enabled=true",
				"security.curve.interruptHandlerPublicKey=" + KEY, "agents.observability-hub.enabled=false");
		// The hub pins every agent's key, its own included.
		assertTemplateFails("security.curve.enabled needs security.curve.publicKeys.observability-hub", 
				"security.curve.enabled=true", "security.curve.publicKeys.streaming-interrupt-handler=" + KEY,
				"security.curve.publicKeys.model-worker=" + KEY, "security.curve.publicKeys.request-coordinator=" + KEY);
		assertTemplateFails("which the observability-hub pins", "security.curve.enabled=true",
				"security.curve.publicKeys.streaming-interrupt-handler=" + KEY, "security.curve.publicKeys.model-worker=" + KEY,
				"security.curve.publicKeys.request-coordinator=" + KEY);
		// Not 40 Z85 characters.
		assertTemplateFails("security.curve.publicKeys.model-worker \"short\" is not a CURVE public key",
				"security.curve.enabled=true", "security.curve.interruptHandlerPublicKey=" + KEY,
				"agents.observability-hub.enabled=false", "security.curve.publicKeys.model-worker=short");
		// Nothing runs that pins a key, and the registry's key is not needed: it renders.
		assertThat(helm().template(List.of(), "security.curve.enabled=true",
				"security.curve.interruptHandlerPublicKey=" + KEY, "agents.observability-hub.enabled=false",
				"agents.request-coordinator.enabled=false")
			.outIfSucceeded()).doesNotContain("AGENT_REGISTRY_PUBLICKEY");
	}

	@Test
	void twoDifferentKeysForTheInterruptHandlerFailRendering() throws Exception {
		assertTemplateFails("security.curve.interruptHandlerPublicKey \"" + KEY
				+ "\" and security.curve.publicKeys.streaming-interrupt-handler", "security.curve.enabled=true",
				"security.curve.interruptHandlerPublicKey=" + KEY,
				"security.curve.publicKeys.streaming-interrupt-handler=Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
				"agents.observability-hub.enabled=false", "agents.request-coordinator.enabled=false");
	}

	@Test
	void badDiscoveryValuesFailTheSchema() throws Exception {
		assertRefused("discovery", "discovery=consul");
		// The registry's key is registryPublicKey; an agent the chart does not have has no key.
		assertRefused("service-registry", "security.curve.publicKeys.service-registry=" + KEY);
		assertRefused("model-wroker", "security.curve.publicKeys.model-wroker=" + KEY);
		assertRefused("security.curve.publicKeys.model-worker", "security.curve.publicKeys.model-worker=42");
	}

	@Test
	void aRegistryEndpointWithKubernetesDiscoveryFailsRendering() throws Exception {
		assertTemplateFails("registryEndpoint \"tcp://registry.shared:5555\" is set, but with discovery: kubernetes "
				+ "no agent registers", "registryEndpoint=tcp://registry.shared:5555");
	}

	@Test
	void theCoordinatorWithoutModelWorkersFailsRenderingWithKubernetesDiscovery() throws Exception {
		assertTemplateFails("agents.request-coordinator needs agents.model-worker with discovery: kubernetes",
				"agents.model-worker.enabled=false");
	}

	@Test
	void anAgentsEnvCannotReplaceTheDiscoverySettings() throws Exception {
		assertTemplateFails("agents.request-coordinator.env.REQUEST_COORDINATOR_WORKERS is set by the chart",
				"agents.request-coordinator.env.REQUEST_COORDINATOR_WORKERS=registry:model-worker");
		assertTemplateFails("agents.request-coordinator.env.REQUEST_COORDINATOR_WORKERS_PUBLIC_KEY is set by the chart",
				"agents.request-coordinator.env.REQUEST_COORDINATOR_WORKERS_PUBLIC_KEY=x");
		// Every index of the hub's list, not only those the chart fills.
		assertTemplateFails("agents.observability-hub.env.OBSERVABILITYHUB_AGENTS_0_SOURCE is set by the chart",
				"agents.observability-hub.env.OBSERVABILITYHUB_AGENTS_0_SOURCE=dns:///elsewhere:5556");
		assertTemplateFails("agents.observability-hub.env.OBSERVABILITYHUB_AGENTS_9_PUBLICKEY is set by the chart",
				"agents.observability-hub.env.OBSERVABILITYHUB_AGENTS_9_PUBLICKEY=x");
		assertTemplateFails("agents.observability-hub.env.OBSERVABILITY_HUB_AGENTS_0_SOURCE is set by the chart",
				"agents.observability-hub.env.OBSERVABILITY_HUB_AGENTS_0_SOURCE=dns:///elsewhere:5556");
	}

	@Test
	void anAgentsEnvCannotReplaceTheCurveSettings() throws Exception {
		for (String name : List.of("AGENT_ZMQ_CURVE_CERTIFICATE", "AGENT_ZMQ_CURVE_AUTHORIZEDKEYS",
				"AGENT_REGISTRY_PUBLICKEY", "MODEL_WORKER_INTERRUPT_PUBLIC_KEY")) {
			assertTemplateFails("agents.model-worker.env." + name + " is set by the chart",
					"agents.model-worker.env." + name + "=x");
		}
	}

	@Test
	void badTrustValuesFailTheSchema() throws Exception {
		assertRefused("security.curve.enabled", "security.curve.enabled=yes");
		assertRefused("kind", "security.curve.authorizedKeys.kind=Volume");
		assertRefused("secretName", "agents.model-worker.curve.secretName=Not_A_Name");
		assertRefused("networkPolicy.enabled", "networkPolicy.enabled=on");
		assertRefused("podSelecter", "networkPolicy.zmq.from[0].podSelecter.matchLabels.app=client");
		assertRefused("operator", "networkPolicy.http.monitoring.podSelector.matchExpressions[0].key=app",
				"networkPolicy.http.monitoring.podSelector.matchExpressions[0].operator=Equals");
		assertRefused("protocol", "networkPolicy.egress[0].ports[0].protocol=ICMP");
	}

	@Test
	void disablingTheRegistryNeedsAnotherRegistryEndpointWithRegistryDiscovery() throws Exception {
		assertTemplateFails("set registryEndpoint", REGISTRY_DISCOVERY, "agents.service-registry.enabled=false");
		Command.Result result = helm().template(List.of(), REGISTRY_DISCOVERY, "agents.service-registry.enabled=false",
				"registryEndpoint=tcp://registry.shared:5555");
		assertThat(result.outIfSucceeded()).contains("tcp://registry.shared:5555")
			.doesNotContain("rel-agentry-service-registry");
	}

	/**
	 * Refused by the schema: helm lint and helm template both fail, naming the value (Helm 3
	 * writes a path as {@code a.b.c}, Helm 4 as {@code /a/b/c}).
	 */
	private static void assertRefused(String value, String... sets) throws Exception {
		String[] named = { value, "/" + value.replace('.', '/') };
		Command.Result template = helm().template(List.of(), sets);
		assertThat(template.exit()).as("helm template exit code with %s", List.of(sets)).isNotZero();
		assertThat(template.err()).contains(SCHEMA_FAILURE).containsAnyOf(named);
		Command.Result lint = helm().lint(List.of(), sets);
		assertThat(lint.exit()).as("helm lint exit code with %s", List.of(sets)).isNotZero();
		assertThat(lint.out() + lint.err()).contains(SCHEMA_FAILURE).containsAnyOf(named);
	}

	private static void assertTemplateFails(String expected, String... sets) throws Exception {
		Command.Result template = helm().template(List.of(), sets);
		assertThat(template.exit()).as("helm template exit code with %s", List.of(sets)).isNotZero();
		assertThat(template.err()).contains(expected);
	}

}
