package dev.agentry.samples.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentPorts;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Discovery through DNS, as a Kubernetes headless Service gives it, reproduced on loopback:
 * loopback is a whole /8, so model-workers bind {@code 127.0.0.2:P}, {@code 127.0.0.3:P}, ...
 * (one port, many addresses, as pods behind one Service), and the coordinator, with
 * {@code request-coordinator.workers=dns:///workers.test:P} and no registry at all, reads
 * {@code workers.test} from a hosts file that its JVM uses as its resolver
 * ({@code -Djdk.net.hosts.file}). The test edits that file as Kubernetes edits the Service's
 * records: an address goes when its pod turns unready, an address comes when a new pod is ready.
 * The whole fleet is rolled that way under load: nothing may fail or be lost.
 */
class DnsDiscoveryIT {

	private static final String NAME = "workers.test";

	@TempDir
	Path dir;

	private Path hosts;

	private final List<AgentProcess> agents = new ArrayList<>();

	private final int port = FreePorts.next();

	private final int healthPort = FreePorts.next();

	@AfterEach
	void stop() {
		for (int i = this.agents.size() - 1; i >= 0; i--) {
			this.agents.get(i).close();
		}
	}

	@Test
	void theCoordinatorFollowsTheNamesAddressesAndARollLosesNothing() throws Exception {
		this.hosts = this.dir.resolve("hosts");
		writeHosts(List.of("127.0.0.2", "127.0.0.3"));
		AgentProcess first = worker("127.0.0.2");
		AgentProcess second = worker("127.0.0.3");
		AgentProcess coordinator = AgentLauncher.jar(SampleAgent.JAR, "request-coordinator")
			.directory(this.dir)
			// The resolver reads the file; a short positive cache, as agents using DNS sources should have.
			.jvmOptions("-Djdk.net.hosts.file=" + this.hosts, "-Dsun.net.inetaddr.ttl=1")
			.property("request-coordinator.workers", "dns:///" + NAME + ":" + this.port)
			.property("request-coordinator.refresh-interval", "500ms")
			.property("request-coordinator.worker-timeout", "10s")
			.property("agent.shutdown.drain-timeout", "5s")
			.start();
		this.agents.add(coordinator);
		AgentProcess hub = AgentLauncher.jar(SampleAgent.JAR, "observability-hub")
			.directory(this.dir)
			.jvmOptions("-Djdk.net.hosts.file=" + this.hosts, "-Dsun.net.inetaddr.ttl=1")
			.property("observability-hub.agents[0].source", "dns:///" + NAME + ":" + this.healthPort)
			.property("observability-hub.agents[0].name", "model-worker")
			.start();
		this.agents.add(hub);
		first.awaitReady(Duration.ofSeconds(180));
		second.awaitReady(Duration.ofSeconds(180));
		coordinator.awaitReady(Duration.ofSeconds(180));
		hub.awaitReady(Duration.ofSeconds(180));
		// The hub polls every address of the name, without a registry.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			try (ZmqTestClient client = ZmqTestClient.req("tcp://127.0.0.1:" + hub.ports().endpoint())) {
				JsonNode agents = client.call("{\"action\":\"status\"}").path("agents");
				assertThat(agents).as("%s", agents).hasSize(2)
					.allSatisfy((agent) -> assertThat(agent.path("up").asBoolean()).isTrue());
				assertThat(agents.get(0).path("service").asString()).isEqualTo("model-worker");
			}
		});

		RollingUpdateIT.Load load = new RollingUpdateIT.Load("tcp://127.0.0.1:" + coordinator.ports().endpoint(), 6);
		load.start();
		try {
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(load.servedBy)
				.as("workers that served (failed %d, lost %d, last failure %s)", load.failed.get(), load.lost.get(),
						load.lastFailure)
				.hasSize(2));

			// Roll both: the new pod's address appears, then the old one's disappears (readiness
			// 503 at step 0) and the old pod gets SIGTERM.
			List<String> live = new ArrayList<>(List.of("127.0.0.2", "127.0.0.3"));
			String[][] rolls = { { "127.0.0.2", "127.0.0.4" }, { "127.0.0.3", "127.0.0.5" } };
			AgentProcess[] old = { first, second };
			for (int i = 0; i < rolls.length; i++) {
				AgentProcess replacement = worker(rolls[i][1]).awaitReady(Duration.ofSeconds(180));
				String instance = instanceOf(replacement, rolls[i][1]);
				live.add(rolls[i][1]);
				writeHosts(live);
				await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(load.servedBy)
					.as("the added address is used within a few refresh intervals").contains(instance));
				live.remove(rolls[i][0]);
				writeHosts(live);
				old[i].sigterm();
				assertThat(old[i].awaitExit(Duration.ofSeconds(5 + 2 + 1 + 10))).isEqualTo(143);
			}
			Thread.sleep(2000);
		}
		finally {
			load.stop();
		}
		assertThat(load.sent.get()).isGreaterThan(20);
		assertThat(load.lost.get()).as("lost requests").isZero();
		assertThat(load.failed.get()).as("failed requests, last: %s", load.lastFailure).isZero();
		assertThat(load.ok.get()).isEqualTo(load.sent.get());
		assertThat(load.servedBy).as("every worker served, the first two and both replacements").hasSize(4);
	}

	private AgentProcess worker(String address) {
		AgentPorts ports = new AgentPorts(FreePorts.next(), this.port, this.healthPort);
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("agent.endpoint.bind", "tcp://" + address + ":" + this.port);
		properties.put("agent.health.bind", "tcp://" + address + ":" + ports.health());
		properties.put("model-worker.latency", "300ms");
		properties.put("model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + FreePorts.next());
		properties.put("agent.shutdown.delay", "2s");
		properties.put("agent.shutdown.drain-timeout", "5s");
		properties.put("agent.shutdown.worker-join-timeout", "2s");
		AgentProcess worker = AgentLauncher.jar(SampleAgent.JAR, "model-worker")
			.directory(this.dir)
			.ports(ports)
			.properties(properties)
			.start();
		this.agents.add(worker);
		return worker;
	}

	/** The instance name the worker answers its health checks with (and puts in its replies). */
	private String instanceOf(AgentProcess worker, String address) {
		try (ZmqTestClient health = ZmqTestClient.req("tcp://" + address + ":" + worker.ports().health())) {
			return health.call("{\"action\":\"health_check\"}").path("instance").asString();
		}
	}

	private void writeHosts(List<String> addresses) throws Exception {
		StringBuilder lines = new StringBuilder();
		for (String address : addresses) {
			lines.append(address).append(' ').append(NAME).append('\n');
		}
		Path next = this.dir.resolve("hosts.next");
		Files.writeString(next, lines);
		Files.move(next, this.hosts, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
				java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}

}
