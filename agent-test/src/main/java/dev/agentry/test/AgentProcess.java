package dev.agentry.test;

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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * An agent running in a child JVM, started by {@link AgentLauncher}: its ports, its log, its
 * shutdown report, and the ways Kubernetes and clients reach it (HTTP probes, the ZeroMQ
 * endpoint, signals). {@link #close()} kills it if it is still running.
 */
public final class AgentProcess implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	/** The line agent-core logs once ready: "Agent 'x' shuts down in at most 9000 ms (...)". */
	private static final Pattern BUDGET = Pattern.compile("shuts down in at most (\\d+) ms");

	private final String name;

	private final Process process;

	private final AgentPorts ports;

	private final Path log;

	private final Path report;

	private final long startedNanos = System.nanoTime();

	private volatile Duration readyAfter;

	AgentProcess(String name, Process process, AgentPorts ports, Path log, Path report) {
		this.name = name;
		this.process = process;
		this.ports = ports;
		this.log = log;
		this.report = report;
	}

	public String name() {
		return this.name;
	}

	public long pid() {
		return this.process.pid();
	}

	public Process process() {
		return this.process;
	}

	public AgentPorts ports() {
		return this.ports;
	}

	/** The request endpoint, {@code tcp://127.0.0.1:<port>}. */
	public String endpoint() {
		return "tcp://127.0.0.1:" + this.ports.endpoint();
	}

	public String healthEndpoint() {
		return "tcp://127.0.0.1:" + this.ports.health();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Waits until {@code /actuator/health/readiness} answers 200.
	 * @throws IllegalStateException if the agent exits first or is not ready in time (the
	 * message carries the log)
	 */
	public AgentProcess awaitReady(Duration timeout) {
		try {
			// Polled finely enough for readyAfter() to serve as a start-up time.
			Waits.upTo(timeout, Duration.ofMillis(20)).until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this.name + " exited with " + this.process.exitValue()
							+ " before it was ready; log " + this.log + ":\n" + log());
				}
				return readiness() == 200;
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException(
					this.name + " was not ready within " + timeout + "; log " + this.log + ":\n" + log());
		}
		this.readyAfter = Duration.ofNanos(System.nanoTime() - this.startedNanos);
		return this;
	}

	/** From process start to the first readiness 200, once {@link #awaitReady} saw it. */
	public Optional<Duration> readyAfter() {
		return Optional.ofNullable(this.readyAfter);
	}

	/** The status of {@code /actuator/health/readiness}, or -1 when nothing answers. */
	public int readiness() {
		return httpStatus("/actuator/health/readiness");
	}

	/** The HTTP status of a GET on the agent's HTTP port, or -1 when it does not answer. */
	public int httpStatus(String path) {
		try {
			return get(path).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	public String httpBody(String path) {
		try {
			return get(path).body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private HttpResponse<String> get(String path) throws IOException {
		try {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.ports.http() + path))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/** One request on a fresh, proven REQ connection to the endpoint; the reply. */
	public JsonNode call(String json) {
		try (ZmqTestClient client = ZmqTestClient.req(endpoint())) {
			return client.call(json);
		}
	}

	/** SIGTERM, as the kubelet sends it. */
	public void sigterm() {
		signal(Signal.TERM);
	}

	/** SIGINT, as Ctrl+C sends it. */
	public void sigint() {
		signal(Signal.INT);
	}

	public void signal(Signal signal) {
		if (signal == Signal.TERM) {
			// Process.destroy() is SIGTERM on Linux and macOS.
			this.process.destroy();
			return;
		}
		try {
			// The JDK has no API for SIGINT.
			new ProcessBuilder("kill", "-" + signal.name(), Long.toString(pid())).start().waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Waits for the exit and returns the exit code; kills the process and fails if it is still
	 * running after the timeout (a hang is a bug).
	 */
	public int awaitExit(Duration timeout) {
		if (waitFor(timeout)) {
			return this.process.exitValue();
		}
		kill();
		throw new AssertionError(this.name + " did not exit within " + timeout + "; log " + this.log + ":\n" + log());
	}

	/** Whether the process exited within the timeout. */
	public boolean waitFor(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** Waits until the log contains the text; false when the process exits or the time is up first. */
	public boolean awaitLog(String text, Duration timeout) {
		try {
			Waits.upTo(timeout, Duration.ofMillis(20)).until(() -> log().contains(text) || !this.process.isAlive());
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
		return log().contains(text);
	}

	/** The worst-case shutdown the agent logged once ready, if it has. */
	public Optional<Duration> budget() {
		Matcher matcher = BUDGET.matcher(log());
		return matcher.find() ? Optional.of(Duration.ofMillis(Long.parseLong(matcher.group(1)))) : Optional.empty();
	}

	public Path logFile() {
		return this.log;
	}

	/** Everything the agent printed so far. */
	public String log() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	public Path reportFile() {
		return this.report;
	}

	/** The shutdown report, once the agent wrote one; empty before that or when it is unreadable. */
	public Optional<ShutdownReport> report() {
		try {
			return Files.exists(this.report) ? Optional.of(ShutdownReport.parse(Files.readString(this.report)))
					: Optional.empty();
		}
		catch (IOException | JacksonException ex) {
			return Optional.empty();
		}
	}

	/** SIGKILL, and wait for it. */
	public void kill() {
		this.process.destroyForcibly();
		waitFor(Duration.ofSeconds(10));
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
