package dev.agentry.samples.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A model-worker whose peers' DNS names do not resolve yet, as in Kubernetes or compose a
 * moment before their Service or container exists. The worker runs in a child JVM that
 * resolves names from a hosts file only ({@code jdk.net.hosts.file}: no name server is ever
 * asked), which at first lacks the registry's and the interrupt handler's names; JeroMQ's
 * connect() throws for such a name. The names are added and those agents started later, and
 * the worker must register and take interrupts by itself.
 */
class UnresolvedPeersIT {

	private static final Duration GENEROUS = Duration.ofSeconds(60);

	@TempDir
	Path dir;

	private final AtomicInteger requests = new AtomicInteger();

	@Test
	void workerStartedBeforeItsPeersNamesResolveRegistersAndTakesInterruptsOnceTheyDo() throws Exception {
		Path hosts = hostsFile();
		int registryPort = FreePorts.next();
		int publishPort = FreePorts.next();
		String registryEndpoint = "tcp://registry.agentry.test:" + registryPort;
		String interruptEndpoint = "tcp://interrupts.agentry.test:" + publishPort;
		AgentProcess worker = startWorker(hosts, registryEndpoint, interruptEndpoint);
		SampleAgent registry = null;
		SampleAgent interrupts = null;
		try {
			worker.awaitReady(Duration.ofSeconds(90));
			String registryWarning = "Agent client 'registry' cannot connect to " + registryEndpoint;
			String interruptWarning = "Stream 'interrupt-subscriber' cannot connect to " + interruptEndpoint;
			assertThat(worker.awaitLog(registryWarning, GENEROUS)).as("log %s", worker.logFile()).isTrue();
			assertThat(worker.awaitLog(interruptWarning, GENEROUS)).as("log %s", worker.logFile()).isTrue();
			// The registration tries again every 250 ms, the subscription after 250 ms, 500 ms, 1 s.
			Thread.sleep(2500);
			assertThat(worker.isAlive()).isTrue();
			assertThat(worker.readiness()).isEqualTo(200);
			assertThat(worker.call("{\"action\":\"health_check\"}").path("state").asString()).isEqualTo("ready");
			assertThat(worker.log()).containsOnlyOnce(registryWarning)
				.containsOnlyOnce(interruptWarning)
				.doesNotContain("failed; its sockets are closed")
				.doesNotContain("Error processing ZeroMQ message")
				.doesNotContain("UnknownHostException");

			Files.writeString(hosts, "127.0.0.1 registry.agentry.test interrupts.agentry.test\n",
					StandardOpenOption.APPEND);
			registry = SampleAgent.start("service-registry", this.dir, null, registryPort, Map.of()).awaitReady();
			interrupts = SampleAgent.start("streaming-interrupt-handler", this.dir, null,
					Map.of("streaming-interrupt-handler.publish-bind", "tcp://127.0.0.1:" + publishPort))
				.awaitReady();
			SampleAgent lookedUp = registry;
			await().atMost(GENEROUS)
				.untilAsserted(() -> assertThat(lookup(lookedUp, "model-worker"))
					.extracting((node) -> node.get("endpoint").asString())
					.containsExactly(worker.endpoint()));
			assertThat(worker.log()).contains("Agent client 'registry' connected to " + registryEndpoint);
			assertThat(worker.awaitLog("Stream 'interrupt-subscriber': interrupts.agentry.test resolves now", GENEROUS))
				.isTrue();
			// The subscription joins the publisher asynchronously: an interrupt sent before it has
			// is missed, so a request is interrupted again until one is cancelled.
			SampleAgent publisher = interrupts;
			await().atMost(GENEROUS).until(() -> interruptCancelsARunningRequest(worker, publisher));

			worker.sigterm();
			// Budget: drain 5 s, join 2 s, linger 1 s, plus 5 s for a slow machine.
			assertThat(worker.awaitExit(Duration.ofSeconds(5 + 2 + 1 + 5))).isEqualTo(143);
		}
		finally {
			worker.close();
			if (interrupts != null) {
				interrupts.close();
			}
			if (registry != null) {
				registry.close();
			}
		}
	}

	@Test
	void workerWhosePeersNeverResolveStopsCleanly() throws Exception {
		Path hosts = hostsFile();
		String interruptEndpoint = "tcp://interrupts.agentry.test:" + FreePorts.next();
		try (AgentProcess worker = startWorker(hosts, "tcp://registry.agentry.test:" + FreePorts.next(),
				interruptEndpoint)) {
			worker.awaitReady(Duration.ofSeconds(90));
			assertThat(worker.awaitLog("Stream 'interrupt-subscriber' cannot connect to " + interruptEndpoint, GENEROUS))
				.isTrue();
			worker.sigterm();
			assertThat(worker.awaitExit(Duration.ofSeconds(5 + 2 + 1 + 5))).isEqualTo(143);
			assertThat(worker.log()).contains("Shutdown step 2 (streams): 'interrupt-subscriber' closed in")
				.doesNotContain("'interrupt-subscriber' did not close")
				.doesNotContain("failed; its sockets are closed");
			assertThat(worker.report()).hasValueSatisfying((report) -> assertThat(report.step("streams"))
				.hasValueSatisfying((streams) -> assertThat(streams.outcome()).isEqualTo("graceful")));
		}
	}

	/** A hosts file that knows only localhost; the resolver of the workers started here reads nothing else. */
	private Path hostsFile() throws Exception {
		Path hosts = this.dir.resolve("hosts");
		Files.writeString(hosts, "127.0.0.1 localhost\n");
		return hosts;
	}

	private AgentProcess startWorker(Path hosts, String registryEndpoint, String interruptEndpoint) throws Exception {
		// The JDK keeps a failed look-up for 10 s (networkaddress.cache.negative.ttl). That is a
		// security property, which -Dsun.net.inetaddr.negative.ttl does not override since
		// java.security sets it; 0 makes the worker see the added names at once.
		Path security = this.dir.resolve("no-negative-cache.security");
		Files.writeString(security, "networkaddress.cache.negative.ttl=0\n");
		return AgentLauncher.jar(SampleAgent.JAR, "model-worker")
			.jvmOptions("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djdk.net.hosts.file=" + hosts,
					"-Djava.security.properties=" + security)
			.properties(Map.of("agent.registry.endpoint", registryEndpoint, "model-worker.interrupt-endpoint",
					interruptEndpoint, "model-worker.latency", "20s", "agent.registry.heartbeat-interval", "500ms",
					"agent.registry.ttl", "3s", "agent.shutdown.drain-timeout", "5s",
					"agent.shutdown.worker-join-timeout", "2s"))
			.directory(this.dir)
			.start();
	}

	/** Sends a 20 s request, interrupts it, and tells whether it came back cancelled at once. */
	private boolean interruptCancelsARunningRequest(AgentProcess worker, SampleAgent interrupts) throws Exception {
		String id = "late-" + this.requests.incrementAndGet();
		try (ZmqTestClient client = ZmqTestClient.dealer(worker.endpoint(), 5_000)) {
			client.send("{\"action\":\"infer\",\"id\":\"" + id + "\",\"text\":\"slow\"}");
			// The interrupt must find the request in flight.
			Thread.sleep(300);
			JsonNode published = interrupts.call("{\"action\":\"interrupt\",\"request_id\":\"" + id + "\"}");
			assertThat(published.path("published").asBoolean()).as("interrupt reply %s", published).isTrue();
			JsonNode reply = client.receive();
			if (reply == null) {
				return false;
			}
			assertThat(reply.path("id").asString()).isEqualTo(id);
			assertThat(reply.path("error").asString()).isEqualTo("cancelled");
			return true;
		}
	}

	private static List<JsonNode> lookup(SampleAgent registry, String service) {
		JsonNode reply = registry.call("{\"action\":\"lookup\",\"service\":\"" + service + "\"}");
		List<JsonNode> instances = new ArrayList<>();
		reply.get("instances").forEach(instances::add);
		return instances;
	}

}
