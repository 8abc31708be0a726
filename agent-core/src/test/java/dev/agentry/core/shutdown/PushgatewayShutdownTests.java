package dev.agentry.core.shutdown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.Tools;
import dev.agentry.core.testapp.TestAgentApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Step 7's optional Pushgateway push, end to end: a real Prometheus Pushgateway (Debian's
 * prometheus-pushgateway) on a free loopback port, the test agent in a child JVM with Spring
 * Boot's pushgateway support set to {@code put} at shutdown and a push rate too long to fire
 * again, then SIGTERM. What the Pushgateway holds afterwards must carry the whole shutdown's
 * timer and one timer per stop step. Without the binary this skips, or fails under
 * {@code -Dagentry.require-tools=true}.
 */
class PushgatewayShutdownTests {

	private static final String PUSHGATEWAY = "/usr/bin/prometheus-pushgateway";

	private static final String JOB = "agentry-test";

	private static final List<String> STEPS = List.of("delay", "endpoints", "streams", "workers", "health",
			"context");

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\}\\s+(\\S+).*$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static Process pushgateway;

	@TempDir
	static Path pushgatewayDir;

	private static int pushgatewayPort;

	@BeforeAll
	static void startPushgateway() throws IOException {
		Path binary = Tools.require("prometheus-pushgateway", "Debian package prometheus-pushgateway", PUSHGATEWAY);
		pushgatewayPort = FreePorts.next();
		Path log = pushgatewayDir.resolve("pushgateway.log");
		pushgateway = new ProcessBuilder(binary.toString(), "--web.listen-address=127.0.0.1:" + pushgatewayPort,
				"--persistence.file=" + pushgatewayDir.resolve("metrics.store"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		await("the Pushgateway on 127.0.0.1:" + pushgatewayPort).atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				assertThat(pushgateway.isAlive()).as("the Pushgateway exited; log:%n%s", read(log)).isTrue();
				return status("/-/ready") == 200;
			});
	}

	@AfterAll
	static void stopPushgateway() throws InterruptedException {
		if (pushgateway != null) {
			pushgateway.destroy();
			if (!pushgateway.waitFor(10, TimeUnit.SECONDS)) {
				pushgateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void shutdownPushCarriesTheShutdownTimerAndEveryStep(@TempDir Path tmp) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "test-agent");
		properties.put("agent.shutdown.report-file", tmp.resolve("last-shutdown.json").toString());
		properties.put("agent.shutdown.delay", "0s");
		properties.put("agent.shutdown.drain-timeout", "5s");
		properties.put("agent.shutdown.worker-join-timeout", "5s");
		properties.put("agent.zmq.linger", "1s");
		String pushgatewayProperty = "management.prometheus.metrics.export.pushgateway.";
		properties.put(pushgatewayProperty + "enabled", "true");
		properties.put(pushgatewayProperty + "address", "127.0.0.1:" + pushgatewayPort);
		properties.put(pushgatewayProperty + "job", JOB);
		properties.put(pushgatewayProperty + "shutdown-operation", "put");
		// Only the push at shutdown may carry the shutdown's timers.
		properties.put(pushgatewayProperty + "push-rate", "10m");
		// The budget: delay + drain-timeout + worker-join-timeout + linger, plus 5 s.
		Duration exitBound = Duration.ofSeconds(0 + 5 + 5 + 1 + 5);

		String agentLog;
		try (AgentProcess agent = AgentLauncher.mainClass(TestAgentApplication.class)
			.properties(properties)
			.directory(tmp)
			.start()) {
			agent.awaitReady(Duration.ofSeconds(90));
			agent.sigterm();
			int exit = agent.awaitExit(exitBound);
			agentLog = agent.log();
			assertThat(exit).as("exit code after SIGTERM; log:%n%s", agentLog).isEqualTo(143);
		}

		String metrics = body("/metrics");
		List<Sample> pushed = samples(metrics).stream()
			.filter((sample) -> JOB.equals(sample.labels().get("job")))
			.filter((sample) -> "test-agent".equals(sample.labels().get("agent")))
			.toList();
		String jobLines = metrics.lines()
			.filter((line) -> line.contains("job=\"" + JOB + "\""))
			.collect(Collectors.joining("\n"));
		String context = String.format("%nPushgateway /metrics, job %s:%n%s%nagent log:%n%s", JOB, jobLines, agentLog);

		assertThat(pushed).as("job %s's samples with agent=\"test-agent\"%s", JOB, context)
			.anySatisfy((sample) -> {
				assertThat(sample.name()).isEqualTo("agent_shutdown_seconds_count");
				assertThat(sample.value()).isGreaterThanOrEqualTo(1);
			})
			.anySatisfy((sample) -> {
				assertThat(sample.name()).isEqualTo("agent_shutdown_seconds_sum");
				assertThat(sample.value()).isGreaterThanOrEqualTo(0);
			});
		for (String step : STEPS) {
			assertThat(pushed).as("agent_shutdown_phase_seconds for step '%s'%s", step, context)
				.anySatisfy((sample) -> {
					assertThat(sample.name()).isEqualTo("agent_shutdown_phase_seconds_count");
					assertThat(sample.labels()).containsEntry("step", step);
					assertThat(sample.value()).isGreaterThanOrEqualTo(1);
				})
				.anySatisfy((sample) -> {
					assertThat(sample.name()).isEqualTo("agent_shutdown_phase_seconds_sum");
					assertThat(sample.labels()).containsEntry("step", step);
				});
		}
		assertThat(samples(metrics)).as("the Pushgateway recorded a failed push%s", context)
			.filteredOn((sample) -> sample.name().equals("push_failure_time_seconds")
					&& JOB.equals(sample.labels().get("job")))
			.allSatisfy((sample) -> assertThat(sample.value()).isZero());
	}

	record Sample(String name, Map<String, String> labels, double value) {
	}

	/** The labelled samples of a Prometheus text exposition. */
	private static List<Sample> samples(String exposition) {
		List<Sample> samples = new ArrayList<>();
		for (String line : exposition.split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (line.startsWith("#") || !sample.matches()) {
				continue;
			}
			Map<String, String> labels = new LinkedHashMap<>();
			Matcher label = LABEL.matcher(sample.group(2));
			while (label.find()) {
				labels.put(label.group(1), label.group(2));
			}
			double value;
			try {
				value = Double.parseDouble(sample.group(3));
			}
			catch (NumberFormatException ex) {
				continue;
			}
			samples.add(new Sample(sample.group(1), labels, value));
		}
		return samples;
	}

	private static int status(String path) {
		try {
			return get(path).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	private static String body(String path) {
		try {
			HttpResponse<String> response = get(path);
			assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
			return response.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static HttpResponse<String> get(String path) throws IOException {
		try {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pushgatewayPort + path))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

}
