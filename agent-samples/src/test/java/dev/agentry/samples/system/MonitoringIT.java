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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.samples.deploy.ChartMonitoring;
import dev.agentry.test.FreePorts;
import dev.agentry.test.Tools;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart's rules and dashboard against real data: real agents under load, one
 * model-worker rolled with a drain too short for its requests (so that some are forced) and
 * replaced on the same endpoint port (so that its successor reads the report back), Debian's
 * Prometheus scraping every agent and Debian's Pushgateway (which the rolled worker pushes to
 * as it stops) with the chart's rule file loaded. Then every dashboard
 * query, every recording rule and every alert expression is evaluated through Prometheus'
 * HTTP API on 127.0.0.1. The series behind the dashboard are written to
 * {@code target/monitoring-it/dashboard-data.json}, from which
 * {@code scripts/dashboard-picture} draws {@code docs/dashboard.png}.
 */
class MonitoringIT {

	/** A query that may rightly return nothing here: kube-state-metrics runs only in a cluster. */
	private static final String KUBERNETES_ONLY = "kube_pod_status_ready";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@Test
	void everyDashboardQueryAndRuleReturnsDataAndTheForcedDrainFires() throws Exception {
		Path prometheusBinary = Tools.require("prometheus", "Debian package prometheus", "/usr/bin/prometheus");
		Path pushgatewayBinary = Tools.require("prometheus-pushgateway", "Debian package prometheus-pushgateway",
				"/usr/bin/prometheus-pushgateway");
		Path rules = ChartMonitoring.writeRuleFile(this.dir, "agentry-rules.yml");
		Map<String, String> histogram = Map.of("management.metrics.distribution.percentiles-histogram.agent.request",
				"true");
		Map<String, String> worker = new LinkedHashMap<>(histogram);
		// 2.5 s of work against a 1 s drain: whatever is in flight at SIGTERM is forced.
		worker.putAll(Map.of("model-worker.latency", "2500ms", "agent.endpoint.threads", "16",
				"agent.shutdown.drain-timeout", "1s", "model-worker.interrupt-endpoint",
				"tcp://127.0.0.1:" + FreePorts.next()));
		List<SampleAgent> agents = new ArrayList<>();
		Process prometheus = null;
		Process pushgateway = null;
		Instant start = Instant.now();
		try {
			SampleAgent registry = track(agents, SampleAgent.start("service-registry", this.dir, null, Map.of()))
				.awaitReady();
			// The rolled worker pushes its metrics when it stops, as the chart's pushgateway values
			// make every pod do: its forced requests are counted at the end of step 1, often
			// after the last scrape. Its grouping key is its scrape target's instance.
			int pushgatewayPort = FreePorts.next();
			pushgateway = new ProcessBuilder(pushgatewayBinary.toString(),
					"--web.listen-address=127.0.0.1:" + pushgatewayPort)
				.redirectErrorStream(true)
				.redirectOutput(this.dir.resolve("pushgateway.log").toFile())
				.start();
			int rolledHttp = FreePorts.next();
			String push = "management.prometheus.metrics.export.pushgateway.";
			Map<String, String> pushing = merged(worker, Map.of(push + "enabled", "true", push + "address",
					"127.0.0.1:" + pushgatewayPort, push + "job", "agentry-push", push + "shutdown-operation", "put",
					push + "grouping-key.instance", "127.0.0.1:" + rolledHttp));
			SampleAgent rolled = track(agents, SampleAgent.start("model-worker", this.dir, registry.endpoint,
					FreePorts.next(), rolledHttp, pushing));
			SampleAgent other = track(agents, SampleAgent.start("model-worker", this.dir, registry.endpoint, worker));
			SampleAgent coordinator = track(agents, SampleAgent.start("request-coordinator", this.dir,
					registry.endpoint, merged(histogram, Map.of("request-coordinator.worker-timeout", "10s"))));
			SampleAgent hub = track(agents, SampleAgent.start("observability-hub", this.dir, registry.endpoint, Map.of()));
			for (SampleAgent agent : List.of(rolled, other, coordinator, hub)) {
				agent.awaitReady();
			}
			int replacementHttp = FreePorts.next();
			int prometheusPort = FreePorts.next();
			prometheus = startPrometheus(prometheusBinary, prometheusPort, rules, List.of(registry.http, rolled.http,
					other.http, coordinator.http, hub.http, replacementHttp), pushgatewayPort);
			await().atMost(Duration.ofSeconds(30)).until(() -> resultSize(prometheusPort, "up == 1") >= 5);

			RollingUpdateIT.Load load = new RollingUpdateIT.Load(coordinator.endpointAddress(), 8);
			load.start();
			await().atMost(Duration.ofSeconds(60)).until(() -> load.ok.get() > 16);

			// Requests straight to the worker that is rolled: these are in flight at SIGTERM,
			// outlast the drain and are forced; those sent while it drains are refused.
			try (ZmqTestClient direct = ZmqTestClient.dealer(rolled.endpointAddress(), 15_000)) {
				for (int i = 0; i < 4; i++) {
					direct.send("{\"action\":\"infer\",\"id\":\"slow-" + i + "\",\"text\":\"forced\"}");
				}
				Thread.sleep(300);
				rolled.process.sigterm();
				Thread.sleep(300);
				for (int i = 0; i < 3; i++) {
					direct.send("{\"action\":\"infer\",\"id\":\"late-" + i + "\",\"text\":\"refused\"}");
				}
				List<String> outcomes = new ArrayList<>();
				for (int i = 0; i < 7; i++) {
					JsonNode reply = direct.receive();
					outcomes.add(reply.path("status").asString() + "/" + reply.path("error").asString(""));
				}
				assertThat(outcomes).as("replies of the rolled worker").contains("error/unavailable");
			}
			assertThat(rolled.process.awaitExit(Duration.ofSeconds(20))).isEqualTo(143);
			// Its successor reads the report (agent_last_shutdown_seconds). On a new endpoint port:
			// the coordinator keeps reconnecting to the old one, and a loopback connect to a port
			// in the ephemeral range can take that very port as its source (a TCP self-connect),
			// so binding it again fails now and then.
			Map<String, String> successor = new LinkedHashMap<>(worker);
			successor.put("agent.shutdown.report-file", rolled.report.toString());
			SampleAgent replacement = track(agents, SampleAgent.start("model-worker", this.dir, registry.endpoint,
					FreePorts.next(), replacementHttp, successor))
				.awaitReady();
			await().atMost(Duration.ofSeconds(60))
				.until(() -> resultSize(prometheusPort, "agent_last_shutdown_seconds{instance=\"127.0.0.1:"
						+ replacement.http + "\"}") > 0);
			// The rate windows and the alerts need a few more scrapes and evaluations.
			Thread.sleep(5000);
			load.stop();
			assertThat(load.lost.get()).as("lost requests").isZero();

			// Asked again for a while: on a loaded machine a scrape times out now and then, and
			// Prometheus marks the target's series stale until the next one succeeds.
			Map<String, String> failures = new LinkedHashMap<>();
			long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			do {
				failures = queriesWithoutData(prometheusPort, rules);
				if (!failures.isEmpty()) {
					Thread.sleep(2000);
				}
			}
			while (!failures.isEmpty() && System.nanoTime() - giveUp < 0);
			assertThat(failures).as("queries that returned no data").isEmpty();
			JsonNode forced = query(prometheusPort, alertExpression(rules, "AgentryForcedDrain"));
			assertThat(forced).as("AgentryForcedDrain's expression").isNotEmpty();
			List<String> forcedInstances = new ArrayList<>();
			forced.forEach((series) -> forcedInstances.add(series.get("metric").get("instance").asString()));
			// Prometheus returns series in no set order; the rolled worker must be among them.
			assertThat(forcedInstances).contains("127.0.0.1:" + rolled.http);
			assertThat(query(prometheusPort, alertExpression(rules, "AgentryLastShutdownNotGraceful")))
				.as("AgentryLastShutdownNotGraceful's expression")
				.isNotEmpty();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> resultSize(prometheusPort, "ALERTS{alertname=\"AgentryForcedDrain\",alertstate=\"firing\"}") > 0);
			writeDashboardData(prometheusPort, start, Instant.now());
		}
		finally {
			if (prometheus != null) {
				prometheus.destroy();
			}
			if (pushgateway != null) {
				pushgateway.destroy();
			}
			agents.forEach(SampleAgent::close);
		}
	}

	private static Map<String, String> merged(Map<String, String> one, Map<String, String> two) {
		Map<String, String> merged = new LinkedHashMap<>(one);
		merged.putAll(two);
		return merged;
	}

	private static String alertExpression(Path rules, String alert) throws IOException {
		for (com.fasterxml.jackson.databind.JsonNode rule : ChartMonitoring.rules(rules)) {
			if (alert.equals(rule.path("alert").asText(""))) {
				return rule.get("expr").asText();
			}
		}
		throw new AssertionError("No alert " + alert);
	}

	private static SampleAgent track(List<SampleAgent> agents, SampleAgent agent) {
		agents.add(agent);
		return agent;
	}

	private Process startPrometheus(Path binary, int port, Path rules, List<Integer> targets, int pushgateway)
			throws IOException {
		List<String> list = targets.stream().map((target) -> "'127.0.0.1:" + target + "'").toList();
		Path config = this.dir.resolve("prometheus.yml");
		// Scraped four times a second: a rolled worker's last steps are visible for well under
		// a second before it exits (what comes later reaches Prometheus through the Pushgateway).
		Files.writeString(config, """
				global:
				  scrape_interval: 250ms
				  scrape_timeout: 200ms
				  evaluation_interval: 1s
				rule_files: ['%s']
				scrape_configs:
				  - job_name: agentry
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: [%s]
				  - job_name: pushgateway
				    honor_labels: true
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(rules, String.join(", ", list), pushgateway));
		return new ProcessBuilder(binary.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + this.dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("prometheus.log").toFile())
			.start();
	}

	private static int resultSize(int port, String promql) {
		try {
			return query(port, promql).size();
		}
		catch (Exception | AssertionError ex) {
			return 0;
		}
	}

	/** An instant query's vector; a failed or non-vector answer fails the test. */
	private static JsonNode query(int port, String promql) throws Exception {
		JsonNode answer = get(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
		assertThat(answer.path("status").asString("")).as("%s: %s", promql, answer).isEqualTo("success");
		assertThat(answer.get("data").get("resultType").asString()).as(promql).isEqualTo("vector");
		return answer.get("data").get("result");
	}

	private static JsonNode get(int port, String path) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		return mapper.readTree(response.body());
	}

	/** Every dashboard query over the test's run, each second, for scripts/dashboard-picture. */
	private static void writeDashboardData(int port, Instant start, Instant end) throws Exception {
		ArrayNode panels = mapper.createArrayNode();
		for (ChartMonitoring.Query query : ChartMonitoring.dashboardQueries()) {
			JsonNode answer = get(port, "/api/v1/query_range?query="
					+ URLEncoder.encode(query.resolved("1m"), StandardCharsets.UTF_8) + "&start="
					+ start.getEpochSecond() + "&end=" + (end.getEpochSecond() + 1) + "&step=1");
			ObjectNode entry = panels.addObject();
			entry.put("panel", query.panel());
			entry.put("legend", query.legend());
			entry.put("expr", query.resolved("1m"));
			entry.set("result", answer.path("data").path("result"));
		}
		Path out = Path.of("target", "monitoring-it", "dashboard-data.json");
		Files.createDirectories(out.getParent());
		Files.writeString(out, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(panels));
	}

	/** The dashboard's queries and the recording rules that return nothing now, by name. */
	private static Map<String, String> queriesWithoutData(int prometheusPort, Path rules) throws Exception {
		Map<String, String> failures = new LinkedHashMap<>();
		for (ChartMonitoring.Query query : ChartMonitoring.dashboardQueries()) {
			JsonNode result = query(prometheusPort, query.resolved("1m"));
			if (!query.expr().contains(KUBERNETES_ONLY) && result.isEmpty()) {
				failures.put(query.panel() + " / " + query.legend(), query.resolved("1m"));
			}
		}
		for (com.fasterxml.jackson.databind.JsonNode rule : ChartMonitoring.rules(rules)) {
			if (rule.has("record")) {
				if (query(prometheusPort, rule.get("record").asText()).isEmpty()) {
					failures.put("recording rule " + rule.get("record").asText(), rule.get("expr").asText());
				}
			}
			else {
				// An alert's expression must evaluate; only some have anything to say here.
				query(prometheusPort, rule.get("expr").asText());
			}
		}
		return failures;
	}

}
