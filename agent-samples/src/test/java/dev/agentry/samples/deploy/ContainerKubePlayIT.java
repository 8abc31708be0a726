package dev.agentry.samples.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.test.FreePorts;
import dev.agentry.test.TestCertificate;
import dev.agentry.test.ZmqTestClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The model-worker Deployment that {@code helm template} renders, run by
 * {@code podman kube play} with the locally built image and CURVE on: the chart's environment,
 * ports, probes, security settings and CURVE mounts reach the agent as intended, an authorized
 * key is served and a plain-text peer is not, and the pod stops gracefully inside the chart's
 * terminationGracePeriodSeconds.
 *
 * <p>Three things are changed for podman 4.3, and nothing else: the POD_IP variable's
 * {@code fieldRef: status.podIP}, which podman 4.3 rejects, becomes a literal address; values
 * that refer to earlier variables ({@code $(POD_IP)}) are expanded here as the kubelet does,
 * because podman 4.3 passes them on as written; and every container port gets
 * {@code hostIP: 127.0.0.1} with a free {@code hostPort}, because podman publishes a
 * containerPort without one on every interface at the same number. podman
 * 4.3 also turns only the liveness probe into a health check, and one it cannot run here
 * (its {@code port: http} becomes port 0 and it needs curl, which the JRE images lack), and it
 * ignores terminationGracePeriodSeconds (stop timeout 10 s). So this test asks every probe's
 * path on its named port from the host, as the kubelet would, and stops the pod with
 * {@code --time} set to the chart's grace period. Last, podman 4.3 cannot mount a Secret volume
 * from the played YAML (it crashes without {@code optional: false}, and looks for a podman
 * secret with it), so the certificate's Secret volume becomes a ConfigMap volume of the same
 * files at the same path, played with the ConfigMaps in the same YAML; the kubelet mounts a
 * Secret's files the same way.
 */
class ContainerKubePlayIT {

	private static final String AGENT = "model-worker";

	@TempDir
	Path dir;

	private Podman podman;

	private Path manifest;

	/** The volumes that podman makes of the played ConfigMaps outlive {@code kube down}. */
	private final List<String> configMapVolumes = new ArrayList<>();

	@AfterEach
	void down() throws Exception {
		if (this.manifest != null) {
			this.podman.run("kube", "down", this.manifest.toString());
		}
		for (String volume : this.configMapVolumes) {
			this.podman.run("volume", "rm", "--force", volume);
		}
	}

	@Test
	void theChartsModelWorkerRunsWithItsEnvironmentPortsAndProbesAndStopsGracefully() throws Exception {
		Podman podman = Podman.require(this.dir);
		String image = SamplesImage.build(podman);
		int colon = image.lastIndexOf(':');
		Path keys = this.dir.resolve("keys");
		TestCertificate worker = TestCertificate.write(keys, AGENT, AGENT);
		TestCertificate client = TestCertificate.write(keys, "client", "");
		// The chart's default discovery (kubernetes): no registry; the clients, which this test
		// does not run, pin each service's key from publicKeys.
		Path trust = Files.writeString(this.dir.resolve("trust.yaml"), String.format("""
				security:
				  curve:
				    enabled: true
				    publicKeys:
				      model-worker: "%s"
				      request-coordinator: "%s"
				      streaming-interrupt-handler: "%s"
				      observability-hub: "%s"
				""", worker.publicKey(), TestCertificate.unwritten("coordinator").publicKey(),
				TestCertificate.unwritten("interrupts").publicKey(), TestCertificate.unwritten("hub").publicKey()));
		String rendered = Helm.require(this.dir.resolve("helm"))
			.template(List.of(trust), "image.repository=" + image.substring(0, colon),
					"image.tag=" + image.substring(colon + 1),
					// podman starts every replica with the same host ports; one is enough here.
					"agents." + AGENT + ".replicas=1")
			.outIfSucceeded();
		Deployment deployment = RenderedChart.parse(rendered).deployment(AGENT);
		PodSpec pod = deployment.getSpec().getTemplate().getSpec();
		Container container = RenderedChart.container(deployment);
		ContainerEnvironment environment = new ContainerEnvironment(container);
		Map<String, Integer> hostPorts = adaptForPodman(container, environment);
		List<ConfigMap> configMaps = curveFilesForPodman(pod, Map.of(worker.secretFile().getFileName().toString(),
				Files.readString(worker.secretFile())), Map.of("model-worker.key", Files.readString(worker.publicFile()),
						"client.key", Files.readString(client.publicFile())));
		this.podman = podman;
		ObjectMapper json = new ObjectMapper();
		StringBuilder played = new StringBuilder(json.writeValueAsString(deployment));
		for (ConfigMap configMap : configMaps) {
			played.append("\n---\n").append(json.writeValueAsString(configMap));
			this.configMapVolumes.add(configMap.getMetadata().getName());
		}
		this.manifest = Files.writeString(this.dir.resolve("model-worker.yaml"), played);
		podman.run(Duration.ofMinutes(3), "kube", "play", this.manifest.toString()).outIfSucceeded();
		String name = containerOf(deployment.getMetadata().getName() + "-pod-0");

		int http = hostPorts.get("http");
		Probe startup = container.getStartupProbe();
		await("startup probe").atMost(Duration.ofSeconds((long) startup.getFailureThreshold() * startup.getPeriodSeconds()))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> {
				assertThat(podman.status(name)).as("log:%n%s", podman.logs(name))
					.isEqualTo("running");
				return probe(startup, hostPorts) == 200;
			});
		assertThat(probe(container.getReadinessProbe(), hostPorts)).as("readiness probe").isEqualTo(200);
		assertThat(probe(container.getLivenessProbe(), hostPorts)).as("liveness probe").isEqualTo(200);

		// The pod's security settings.
		assertThat(podman.run("exec", name, "id", "-u").outIfSucceeded().strip())
			.isEqualTo(String.valueOf(pod.getSecurityContext().getRunAsUser()));
		assertThat(podman.inspect(name, "{{.HostConfig.ReadonlyRootfs}}")).isEqualTo("true");
		assertThat(podman.run("exec", name, "touch", "/tmp/written").exit()).as("the emptyDir at /tmp").isZero();
		assertThat(podman.run("exec", name, "touch", "/app/written").exit()).as("the read-only root").isNotZero();
		assertThat(podman.run("exec", name, "cat", "/proc/1/maps").outIfSucceeded())
			.as("the JVM maps the image's CDS archive under the chart's JVM options and memory limit")
			.contains("/app/agent-samples.jsa");

		// The chart's environment as the agent reads it: its budget and the grace period agree.
		// The model-worker's one stream (the interrupt subscription); its registry client, if any, is counted from its environment.
		ShutdownBudget budget = environment.shutdownBudget(1, 0);
		String log = podman.logs(name);
		assertThat(log).contains("shuts down in at most " + budget.worstCase().toMillis() + " ms (delay "
				+ budget.delay().toMillis() + " + drain-timeout " + budget.drainTimeout().toMillis());
		assertThat(log).contains("grace period " + pod.getTerminationGracePeriodSeconds() * 1000 + " ms");
		assertThat(log).doesNotContain("exceeds agent.shutdown.grace-period");

		// CURVE, from the mounted certificate and authorized keys.
		assertThat(log).contains("CURVE on").contains(worker.publicKey());
		// The named ports: the request endpoint and the health socket, for an authorized key only.
		String endpoint = "tcp://127.0.0.1:" + hostPorts.get("zmq");
		try (ZmqTestClient curve = ZmqTestClient.dealer(endpoint, (socket) -> client.client(socket, worker.publicKey()))) {
			JsonNode reply = curve.call("{\"action\":\"infer\",\"id\":\"k-1\",\"text\":\"a good day\"}");
			assertThat(reply.get("status").asString()).as("%s", reply).isEqualTo("ok");
		}
		assertThat(plainTextAnswers(endpoint)).as("a plain-text peer was answered").isFalse();
		try (ZmqTestClient health = ZmqTestClient.dealer("tcp://127.0.0.1:" + hostPorts.get("zmq-health"),
				(socket) -> client.client(socket, worker.publicKey()))) {
			JsonNode answer = health.call("{\"action\":\"health_check\"}");
			assertThat(answer.get("agent").asString()).isEqualTo(AGENT);
			assertThat(answer.get("state").asString()).isEqualTo("ready");
		}

		long grace = pod.getTerminationGracePeriodSeconds();
		podman.run(Duration.ofSeconds(grace + 30), "pod", "stop", "--time", String.valueOf(grace),
				deployment.getMetadata().getName() + "-pod-0")
			.outIfSucceeded();
		log = podman.logs(name);
		assertThat(podman.exitCode(name)).as("exit code; log:%n%s", log).isEqualTo("143");
		ShutdownLog.assertEveryStep(AGENT, log);
		assertThat(log).contains("serving for another " + budget.delay().toMillis() + " ms");
	}

	/**
	 * The changes podman 4.3 needs (see the class comment), with the values the kubelet would
	 * give; returns the host port of each named container port.
	 */
	private static Map<String, Integer> adaptForPodman(Container container, ContainerEnvironment environment) {
		for (EnvVar env : container.getEnv()) {
			if (env.getValueFrom() != null && "status.podIP".equals(env.getValueFrom().getFieldRef().getFieldPath())) {
				env.setValueFrom(null);
				env.setValue(environment.variable(env.getName()));
			}
			// $(POD_IP), and the $$ of a key's $: podman 4.3 passes both on as written.
			else if (env.getValue() != null && env.getValue().contains("$")) {
				env.setValue(environment.variable(env.getName()));
			}
		}
		Map<String, Integer> hostPorts = new HashMap<>();
		for (ContainerPort port : container.getPorts()) {
			port.setHostIP("127.0.0.1");
			port.setHostPort(FreePorts.next());
			hostPorts.put(port.getName(), port.getHostPort());
		}
		return hostPorts;
	}

	/**
	 * Replaces the pod's Secret volume of the certificate by a ConfigMap volume of the same
	 * files (see the class comment) and returns that ConfigMap and the authorized keys' one,
	 * named as the pod's volumes name them.
	 */
	private static List<ConfigMap> curveFilesForPodman(PodSpec pod, Map<String, String> certificate,
			Map<String, String> authorizedKeys) {
		List<ConfigMap> configMaps = new ArrayList<>();
		for (Volume volume : pod.getVolumes()) {
			if (volume.getSecret() != null) {
				String name = volume.getSecret().getSecretName();
				volume.setSecret(null);
				volume.setConfigMap(new ConfigMapVolumeSourceBuilder().withName(name).build());
				configMaps.add(configMap(name, certificate));
			}
			else if (volume.getConfigMap() != null) {
				configMaps.add(configMap(volume.getConfigMap().getName(), authorizedKeys));
			}
		}
		assertThat(configMaps).as("the certificate's and the authorized keys' volumes").hasSize(2);
		return configMaps;
	}

	private static ConfigMap configMap(String name, Map<String, String> files) {
		return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(files).build();
	}

	/** Whether a peer without CURVE gets an answer from the endpoint within a few seconds. */
	private static boolean plainTextAnswers(String endpoint) {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
			socket.setLinger(0);
			socket.setReceiveTimeOut(3000);
			socket.connect(endpoint);
			socket.send(new byte[0], ZMQ.SNDMORE);
			socket.send("{\"action\":\"health_check\"}");
			return socket.recv(0) != null;
		}
	}

	/** A probe's GET, sent to the host port of the container port it names. */
	private static int probe(Probe probe, Map<String, Integer> hostPorts) {
		HTTPGetAction get = probe.getHttpGet();
		return LocalHttp.status(hostPorts.get(get.getPort().getStrVal()), get.getPath());
	}

	/** The agent's container in the pod (not the pod's infra container). */
	private String containerOf(String pod) throws Exception {
		List<String> names = this.podman.run("ps", "--all", "--filter", "pod=" + pod, "--format", "{{.Names}}")
			.outIfSucceeded()
			.lines()
			.filter((container) -> !container.endsWith("-infra"))
			.toList();
		assertThat(names).as("containers of pod %s", pod).hasSize(1);
		return names.get(0);
	}

}
