package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The image built from the real Dockerfile, run as Kubernetes runs it (non-root, read-only
 * root filesystem, a tmpfs at /tmp, no capabilities) and stopped the way {@code docker stop}
 * and the kubelet stop it: {@code podman stop -t 30} sends SIGTERM to PID 1 and SIGKILL 30 s
 * later. A shell between the runtime and the JVM would swallow the SIGTERM and the agent
 * would die by SIGKILL with its requests unanswered.
 */
class ContainerImageIT {

	/** podman stop's grace period, as a pod's terminationGracePeriodSeconds. */
	private static final int STOP_TIMEOUT_SECONDS = 30;

	@TempDir
	static Path dir;

	private static Podman podman;

	private static String image;

	@BeforeAll
	static void buildImage() throws Exception {
		podman = Podman.require(dir);
		image = SamplesImage.build(podman);
	}

	@Test
	void theImageHasANonRootUserAndAnExecFormEntrypoint() throws Exception {
		assertThat(podman.run("image", "inspect", "--format", "{{.Config.User}}", image).outIfSucceeded().strip())
			.isEqualTo("10001:10001");
		assertThat(podman.run("image", "inspect", "--format", "{{json .Config.Entrypoint}}", image)
			.outIfSucceeded()
			.strip()).isEqualTo("[\"java\",\"-XX:SharedArchiveFile=agent-samples.jsa\",\"-jar\",\"agent-samples.jar\"]");
	}

	@Test
	void podmanStopDrainsTheRequestsInFlightAndTheAgentExitsWith143LoggingEveryStep() throws Exception {
		// Budget: delay 0 + drain 10 s + join 2 s + linger 1 s = 13 s, well inside podman's 30 s.
		try (RunningAgent agent = RunningAgent.start(podman, image, "--model-worker.latency=3s",
				"--agent.shutdown.drain-timeout=10s", "--agent.shutdown.worker-join-timeout=2s");
				ZmqTestClient client = ZmqTestClient.dealer("tcp://127.0.0.1:" + agent.endpointPort, 30_000)) {
			assertThat(podman.run("exec", agent.name, "id", "-u").outIfSucceeded().strip()).isEqualTo("10001");
			assertThat(podman.run("exec", agent.name, "touch", "/app/probe").exit())
				.as("the root filesystem is read-only")
				.isNotZero();
			assertThat(podman.run("exec", agent.name, "cat", "/proc/1/maps").outIfSucceeded())
				.as("the JVM maps the image's CDS archive: it fits this JVM and its options")
				.contains("/app/agent-samples.jsa");

			int inFlight = 4;
			for (int i = 0; i < inFlight; i++) {
				client.send("{\"action\":\"infer\",\"id\":\"slow-" + i + "\",\"text\":\"a good day\"}");
			}
			// The requests reach the handlers (3 s each) before the stop.
			await("requests in flight").atMost(Duration.ofSeconds(10))
				.until(() -> agent.metric("agent_requests_inflight") >= inFlight);

			long stopping = System.nanoTime();
			podman.run(Duration.ofSeconds(STOP_TIMEOUT_SECONDS + 30), "stop", "--time",
					String.valueOf(STOP_TIMEOUT_SECONDS), agent.name)
				.outIfSucceeded();
			Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);

			Set<String> answered = new HashSet<>();
			for (int i = 0; i < inFlight; i++) {
				JsonNode reply = client.receive();
				assertThat(reply).as("reply %d of %d; log:%n%s", i + 1, inFlight, agent.log()).isNotNull();
				assertThat(reply.get("status").asString()).as("reply %s", reply).isEqualTo("ok");
				answered.add(reply.get("id").asString());
			}
			assertThat(answered).hasSize(inFlight);
			assertThat(agent.exitCode()).as("exit code (137 would be podman's SIGKILL); log:%n%s", agent.log())
				.isEqualTo(143);
			assertThat(stopped).as("podman stop's wait for the exit (13 s budget + margin)")
				.isLessThan(Duration.ofSeconds(13 + 7));
			String log = agent.log();
			ShutdownLog.assertEveryStep("model-worker", log);
			assertThat(log).contains("drained " + inFlight + ", forced 0");
			assertThat(log).contains("Picked up JDK_JAVA_OPTIONS");
		}
	}

	@Test
	void aLongDelayShowsReadiness503OutsideWhileTheAgentKeepsServing() throws Exception {
		// A delay long enough that a slow machine sees the 503 and still gets a request in.
		try (RunningAgent agent = RunningAgent.start(podman, image, "--agent.shutdown.delay=15s");
				ZmqTestClient client = ZmqTestClient.req("tcp://127.0.0.1:" + agent.endpointPort)) {
			assertThat(client.call("{\"action\":\"infer\",\"id\":\"before\",\"text\":\"hello\"}").get("status")
				.asString()).isEqualTo("ok");
			CompletableFuture<Command.Result> stop = CompletableFuture.supplyAsync(() -> {
				try {
					return podman.run(Duration.ofSeconds(STOP_TIMEOUT_SECONDS + 30), "stop", "--time",
							String.valueOf(STOP_TIMEOUT_SECONDS), agent.name);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			await("readiness 503 from the host after SIGTERM").atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> LocalHttp.status(agent.httpPort, "/actuator/health/readiness") == 503);
			assertThat(LocalHttp.status(agent.httpPort, "/actuator/health/liveness")).as("liveness while draining")
				.isEqualTo(200);
			assertThat(client.call("{\"action\":\"infer\",\"id\":\"during\",\"text\":\"still here\"}")
				.get("status")
				.asString()).as("the agent serves during the delay").isEqualTo("ok");
			assertThat(stop.join().exit()).as("podman stop").isZero();
			assertThat(agent.exitCode()).as("exit code; log:%n%s", agent.log()).isEqualTo(143);
			ShutdownLog.assertEveryStep("model-worker", agent.log());
		}
	}

	/** A model-worker container with its ports published on 127.0.0.1, removed at close. */
	private static final class RunningAgent implements AutoCloseable {

		final String name = "agentry-it-" + UUID.randomUUID().toString().substring(0, 8);

		final int httpPort = FreePorts.next();

		final int endpointPort = FreePorts.next();

		private final Podman podman;

		private RunningAgent(Podman podman) {
			this.podman = podman;
		}

		static RunningAgent start(Podman podman, String image, String... properties) throws Exception {
			RunningAgent agent = new RunningAgent(podman);
			List<String> run = new ArrayList<>(List.of("run", "--detach", "--name", agent.name,
					// As the chart's pod: read-only root, writable /tmp, no capabilities.
					"--read-only", "--tmpfs", "/tmp:rw,size=64m", "--cap-drop", "ALL", "--security-opt",
					"no-new-privileges", "--publish", "127.0.0.1:" + agent.httpPort + ":8080", "--publish",
					"127.0.0.1:" + agent.endpointPort + ":5555", image, "model-worker"));
			run.addAll(List.of(properties));
			try {
				podman.run(run.toArray(String[]::new)).outIfSucceeded();
				await("readiness of " + agent.name).atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(250))
					.until(() -> {
						assertThat(agent.state()).as("container state; log:%n%s", agent.log()).isEqualTo("running");
						return LocalHttp.status(agent.httpPort, "/actuator/health/readiness") == 200;
					});
				return agent;
			}
			catch (Exception | AssertionError ex) {
				agent.close();
				throw ex;
			}
		}

		String state() throws Exception {
			return this.podman.status(this.name);
		}

		int exitCode() throws Exception {
			assertThat(state()).isEqualTo("exited");
			return Integer.parseInt(this.podman.exitCode(this.name));
		}

		String log() throws Exception {
			return this.podman.logs(this.name);
		}

		/** A gauge or counter from the agent's Prometheus endpoint, summed over its series. */
		double metric(String name) throws Exception {
			String body = LocalHttp.body(this.httpPort, "/actuator/prometheus");
			return body.lines()
				.filter((line) -> line.startsWith(name + "{") || line.startsWith(name + " "))
				.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
				.sum();
		}

		@Override
		public void close() {
			this.podman.removeQuietly(this.name);
		}

	}

}
