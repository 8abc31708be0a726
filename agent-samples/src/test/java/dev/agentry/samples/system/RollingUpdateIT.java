package dev.agentry.samples.system;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.test.FreePorts;
import dev.agentry.test.Tools;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The users' own flow: both model-workers replaced one by one, the way a Kubernetes rolling
 * update does, under continuous load through the coordinator, with Debian's real Prometheus
 * scraping every agent each second. The test client counts every request itself: none may
 * be lost or failed. Afterwards a PromQL query returns each replaced worker's shutdown steps
 * that it recorded while Prometheus could still scrape it.
 */
class RollingUpdateIT {

	/**
	 * The query the README shows: the shutdown steps of every model-worker that Prometheus
	 * saw, looked back over the last 10 minutes because a replaced pod's series went stale.
	 */
	static final String QUERY = "last_over_time(agent_shutdown_phase_seconds_count{agent=\"model-worker\"}[10m])";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@Test
	void rollingBothWorkersUnderLoadLosesNothingAndPrometheusKeepsTheirShutdownSteps() throws Exception {
		Path prometheusBinary = Tools.require("prometheus", "Debian package prometheus", "/usr/bin/prometheus");
		// Slow work keeps each drain open for a few scrapes: Prometheus sees the steps done by then.
		Map<String, String> worker = Map.of("model-worker.latency", "2500ms", "agent.endpoint.threads", "16",
				"model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + FreePorts.next());
		List<SampleAgent> agents = new ArrayList<>();
		Process prometheus = null;
		try {
			SampleAgent registry = track(agents, SampleAgent.start("service-registry", this.dir, null, Map.of()))
				.awaitReady();
			SampleAgent first = track(agents, SampleAgent.start("model-worker", this.dir, registry.endpoint, worker));
			SampleAgent second = track(agents, SampleAgent.start("model-worker", this.dir, registry.endpoint, worker));
			SampleAgent coordinator = track(agents, SampleAgent.start("request-coordinator", this.dir,
					registry.endpoint, Map.of("request-coordinator.worker-timeout", "10s")));
			first.awaitReady();
			second.awaitReady();
			coordinator.awaitReady();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(workers(registry)).as("registered workers").hasSize(2));

			int replacementPorts[] = { FreePorts.next(), FreePorts.next() };
			List<Integer> scraped = new ArrayList<>(List.of(first.http, second.http, coordinator.http));
			int prometheusPort = FreePorts.next();
			prometheus = startPrometheus(prometheusBinary, prometheusPort, scraped, replacementPorts);
			int port = prometheusPort;
			await().atMost(Duration.ofSeconds(30)).until(() -> upTargets(port) >= 3);

			Load load = new Load(coordinator.endpointAddress(), 8);
			load.start();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(load.ok.get()).as("ok so far (failed %d, lost %d, last failure %s)",
						load.failed.get(), load.lost.get(), load.lastFailure).isGreaterThan(8));
			SampleAgent[] old = { first, second };
			for (int i = 0; i < 2; i++) {
				SampleAgent replacement = track(agents,
						SampleAgent.startWithHttp("model-worker", this.dir, registry.endpoint, replacementPorts[i], worker))
					.awaitReady();
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(workers(registry)).as("registered workers")
						.contains(replacement.endpointAddress()));
				try (ZmqTestClient direct = ZmqTestClient.dealer(old[i].endpointAddress(), 15_000)) {
					direct.send("{\"action\":\"infer\",\"id\":\"in-flight-" + i + "\",\"text\":\"drained\"}");
					Thread.sleep(200);
					old[i].process.sigterm();
					assertThat(direct.receive().get("status").asString()).isEqualTo("ok");
				}
				assertThat(old[i].process.awaitExit(Duration.ofSeconds(5 + 2 + 1 + 5))).isEqualTo(143);
			}
			Thread.sleep(3000);
			load.stop();

			assertThat(load.sent.get()).isGreaterThan(20);
			assertThat(load.lost.get()).as("lost requests").isZero();
			assertThat(load.failed.get()).as("failed requests, last: %s", load.lastFailure).isZero();
			assertThat(load.ok.get()).isEqualTo(load.sent.get());
			// The coordinator spreads the load: the two first workers and both replacements served.
			assertThat(load.servedBy).as("workers that served requests").hasSize(4);

			JsonNode result = query(port, QUERY);
			Map<String, Set<String>> stepsByInstance = new java.util.HashMap<>();
			result.get("data").get("result").forEach((series) -> stepsByInstance
				.computeIfAbsent(series.get("metric").get("instance").asString(), (key) -> new HashSet<>())
				.add(series.get("metric").get("step").asString()));
			for (SampleAgent replaced : old) {
				assertThat(stepsByInstance.get("127.0.0.1:" + replaced.http))
					.as("steps Prometheus scraped from the worker on HTTP port %d: %s", replaced.http, stepsByInstance)
					.contains("delay");
			}
		}
		finally {
			if (prometheus != null) {
				prometheus.destroy();
			}
			agents.forEach(SampleAgent::close);
		}
	}

	private static SampleAgent track(List<SampleAgent> agents, SampleAgent agent) {
		agents.add(agent);
		return agent;
	}

	private static List<String> workers(SampleAgent registry) {
		JsonNode reply = registry.call("{\"action\":\"lookup\",\"service\":\"model-worker\"}");
		List<String> endpoints = new ArrayList<>();
		reply.get("instances").forEach((node) -> endpoints.add(node.get("endpoint").asString()));
		return endpoints;
	}

	private Process startPrometheus(Path binary, int port, List<Integer> targets, int[] more) throws IOException {
		StringBuilder list = new StringBuilder();
		for (int target : targets) {
			list.append(list.isEmpty() ? "" : ", ").append("'127.0.0.1:").append(target).append("'");
		}
		for (int target : more) {
			list.append(", '127.0.0.1:").append(target).append("'");
		}
		Path config = this.dir.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: 1s
				  scrape_timeout: 900ms
				scrape_configs:
				  - job_name: agentry
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: [%s]
				""".formatted(list));
		return new ProcessBuilder(binary.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + this.dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("prometheus.log").toFile())
			.start();
	}

	private static int upTargets(int port) {
		try {
			JsonNode result = query(port, "up == 1");
			return result.get("data").get("result").size();
		}
		catch (Exception ex) {
			return 0;
		}
	}

	private static JsonNode query(int port, String promql) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
					+ URLEncoder.encode(promql, StandardCharsets.UTF_8)))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
		return mapper.readTree(response.body());
	}

	/** Steady load from a few clients, one request in flight each, counted here and nowhere else. */
	static final class Load {

		final AtomicInteger sent = new AtomicInteger();

		final AtomicInteger ok = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		final AtomicInteger lost = new AtomicInteger();

		final Set<String> servedBy = java.util.concurrent.ConcurrentHashMap.newKeySet();

		volatile String lastFailure = "none";

		private final String endpoint;

		private final List<Thread> threads = new ArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		Load(String endpoint, int clients) {
			this.endpoint = endpoint;
			for (int i = 0; i < clients; i++) {
				int client = i;
				this.threads.add(new Thread(() -> run(client), "load-" + i));
			}
		}

		void start() {
			this.threads.forEach(Thread::start);
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join(Duration.ofSeconds(20).toMillis());
			}
		}

		private void run(int client) {
			ZmqTestClient socket = ZmqTestClient.dealer(this.endpoint, 10_000);
			try {
				for (int n = 0; this.running.get(); n++) {
					String id = "c" + client + "-" + n;
					this.sent.incrementAndGet();
					JsonNode reply = socket.call("{\"action\":\"infer\",\"id\":\"" + id + "\",\"text\":\"a good request\"}");
					if (reply == null) {
						this.lost.incrementAndGet();
						socket.close();
						socket = ZmqTestClient.dealer(this.endpoint, 10_000);
					}
					else if ("ok".equals(reply.path("status").asString("")) && id.equals(reply.path("id").asString(""))) {
						this.ok.incrementAndGet();
						this.servedBy.add(reply.path("worker").asString(""));
					}
					else {
						this.failed.incrementAndGet();
						this.lastFailure = reply.toString();
					}
				}
			}
			finally {
				socket.close();
			}
		}

	}

}
