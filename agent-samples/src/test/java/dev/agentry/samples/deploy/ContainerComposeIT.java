package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The repository's compose.yaml under podman-compose: the whole sample system from the
 * image, a request through the coordinator, then {@code stop}, after which every agent has
 * exited gracefully inside its grace period.
 *
 * <p>podman-compose 1.0 neither waits for {@code depends_on} conditions nor runs health
 * checks on its own (podman schedules them with systemd timers) nor stops with the
 * services' {@code stop_grace_period} (it always uses {@code -t 10}). So this test runs
 * each health check itself with {@code podman healthcheck run}, and passes the compose
 * file's grace period to {@code stop -t}, which is what docker compose does.
 */
class ContainerComposeIT {

	@TempDir
	Path dir;

	private final String project = "agentry-it-" + UUID.randomUUID().toString().substring(0, 8);

	private Podman podman;

	private final Map<String, String> variables = new LinkedHashMap<>();

	@AfterEach
	void down() throws Exception {
		if (this.podman != null) {
			this.podman.compose(Duration.ofMinutes(2), this.variables, "--project-name", this.project, "down",
					"--timeout", "1");
			// podman-compose 1.0 leaves the project's network behind.
			this.podman.run("network", "rm", "--force", this.project + "_default");
		}
	}

	@Test
	void theSampleSystemServesThroughTheCoordinatorAndEveryAgentStopsGracefully() throws Exception {
		Podman podman = Podman.require(this.dir);
		ComposeFile compose = ComposeFile.read(Repository.COMPOSE);
		int coordinatorPort = FreePorts.next();
		int hubPort = FreePorts.next();
		this.variables.putAll(Map.of("AGENTRY_IMAGE", SamplesImage.build(podman), "AGENTRY_COORDINATOR_PORT",
				String.valueOf(coordinatorPort), "AGENTRY_COORDINATOR_HTTP_PORT", String.valueOf(FreePorts.next()),
				"AGENTRY_HUB_PORT", String.valueOf(hubPort)));
		this.podman = podman;
		podman.compose(Duration.ofMinutes(3), this.variables, "--project-name", this.project, "up", "--detach",
				"--no-build")
			.outIfSucceeded();

		for (String service : compose.services().keySet()) {
			String container = container(service);
			await(service + " healthy").atMost(Duration.ofSeconds(120))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					assertThat(podman.status(container)).as("%s; log:%n%s", service,
							podman.logs(container))
						.isEqualTo("running");
					return podman.run("healthcheck", "run", container).exit() == 0;
				});
		}

		try (ZmqTestClient client = ZmqTestClient.req("tcp://127.0.0.1:" + coordinatorPort)) {
			// The coordinator finds the worker through the registry within its refresh interval.
			JsonNode reply = await("a reply through the coordinator").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> client.call("{\"action\":\"infer\",\"id\":\"c-1\",\"text\":\"a good day\"}"),
						(answer) -> answer != null && "ok".equals(answer.get("status").asString()));
			assertThat(reply.get("id").asString()).isEqualTo("c-1");
			assertThat(reply.get("worker").asString()).startsWith("model-worker-");
		}
		try (ZmqTestClient hub = ZmqTestClient.req("tcp://127.0.0.1:" + hubPort)) {
			JsonNode status = hub.call("{\"action\":\"status\"}");
			List<String> services = new ArrayList<>();
			status.get("agents").forEach((agent) -> services.add(agent.get("service").asString()));
			assertThat(services)
				.as("every agent registered under its compose name: %s", status)
				.contains("model-worker", "request-coordinator", "streaming-interrupt-handler", "observability-hub");
		}

		long grace = compose.service("model-worker").stopGracePeriod().toSeconds();
		podman.compose(Duration.ofSeconds(compose.services().size() * (grace + 10)), this.variables,
				"--project-name", this.project, "stop", "--timeout", String.valueOf(grace))
			.outIfSucceeded();
		for (String service : compose.services().keySet()) {
			String container = container(service);
			String log = podman.logs(container);
			assertThat(podman.status(container)).as(service).isEqualTo("exited");
			assertThat(podman.exitCode(container))
				.as("%s's exit code (137 would be the SIGKILL at the end of the grace period); log:%n%s", service,
						log)
				.isEqualTo("143");
			ShutdownLog.assertEveryStep(service, log);
		}
	}

	/** The container of a service, found by the labels podman-compose sets. */
	private String container(String service) throws Exception {
		String names = this.podman
			.run("ps", "--all", "--filter", "label=com.docker.compose.project=" + this.project, "--filter",
					"label=com.docker.compose.service=" + service, "--format", "{{.Names}}")
			.outIfSucceeded()
			.strip();
		assertThat(names.lines()).as("containers of %s", service).hasSize(1);
		return names;
	}

}
