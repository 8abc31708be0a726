package dev.agentry.samples.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The model-worker Deployment that {@code helm template} renders, run by
 * {@code podman kube play} with the locally built image: the chart's environment, ports,
 * probes and security settings reach the agent as intended, and the pod stops gracefully
 * inside the chart's terminationGracePeriodSeconds.
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
 * {@code --time} set to the chart's grace period.
 */
class ContainerKubePlayIT {

	private static final String AGENT = "model-worker";

	@TempDir
	Path dir;

	private Podman podman;

	private Path manifest;

	@AfterEach
	void down() throws Exception {
		if (this.manifest != null) {
			this.podman.run("kube", "down", this.manifest.toString());
		}
	}

	@Test
	void theChartsModelWorkerRunsWithItsEnvironmentPortsAndProbesAndStopsGracefully() throws Exception {
		Podman podman = Podman.require(this.dir);
		String image = SamplesImage.build(podman);
		int colon = image.lastIndexOf(':');
		String rendered = Helm.require(this.dir.resolve("helm"))
			.template(List.of(), "image.repository=" + image.substring(0, colon), "image.tag=" + image.substring(colon + 1),
					// podman starts every replica with the same host ports; one is enough here.
					"agents." + AGENT + ".replicas=1")
			.outIfSucceeded();
		Deployment deployment = RenderedChart.parse(rendered).deployment(AGENT);
		PodSpec pod = deployment.getSpec().getTemplate().getSpec();
		Container container = RenderedChart.container(deployment);
		ContainerEnvironment environment = new ContainerEnvironment(container);
		Map<String, Integer> hostPorts = adaptForPodman(container, environment);
		this.podman = podman;
		this.manifest = Files.writeString(this.dir.resolve("model-worker.json"),
				new ObjectMapper().writeValueAsString(deployment));
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
		ShutdownBudget budget = environment.shutdownBudget();
		String log = podman.logs(name);
		assertThat(log).contains("shuts down in at most " + budget.worstCase().toMillis() + " ms (delay "
				+ budget.delay().toMillis() + " + drain-timeout " + budget.drainTimeout().toMillis());
		assertThat(log).contains("grace period " + pod.getTerminationGracePeriodSeconds() * 1000 + " ms");
		assertThat(log).doesNotContain("exceeds agent.shutdown.grace-period");

		// The named ports: the request endpoint and the health socket.
		try (ZmqTestClient client = ZmqTestClient.req("tcp://127.0.0.1:" + hostPorts.get("zmq"))) {
			JsonNode reply = client.call("{\"action\":\"infer\",\"id\":\"k-1\",\"text\":\"a good day\"}");
			assertThat(reply.get("status").asString()).as("%s", reply).isEqualTo("ok");
		}
		try (ZmqTestClient health = ZmqTestClient.req("tcp://127.0.0.1:" + hostPorts.get("zmq-health"))) {
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
			else if (env.getValue() != null && env.getValue().contains("$(")) {
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
