package dev.agentry.samples.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One sample agent in a child JVM of the samples jar, on its own loopback ports, its output
 * in {@code <dir>/<label>.log} and its shutdown report in {@code <dir>/<label>.json}.
 */
final class ChildAgent {

	/** Faster start-up for short-lived sample JVMs; fewer GC threads on a small machine. */
	private static final List<String> JVM_OPTIONS = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1",
			"-XX:+UseSerialGC");

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	final String label;

	final String command;

	final int httpPort;

	final int endpointPort;

	final int healthPort;

	final Path log;

	final Path report;

	private Process process;

	private long startedNanos;

	/** The agent's own instance id, from its health socket once it is ready. */
	String instance = "?";

	double readySeconds;

	Integer exitCode;

	double exitSeconds;

	boolean killed;

	ChildAgent(String label, String command, Ports ports, Path dir) {
		this.label = label;
		this.command = command;
		this.httpPort = ports.next();
		this.endpointPort = ports.next();
		this.healthPort = ports.next();
		this.log = dir.resolve(label + ".log");
		this.report = dir.resolve(label + ".json");
	}

	String endpoint() {
		return "tcp://127.0.0.1:" + this.endpointPort;
	}

	String healthEndpoint() {
		return "tcp://127.0.0.1:" + this.healthPort;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	void start(String java, Path jar, List<String> properties) throws IOException {
		List<String> commandLine = new ArrayList<>();
		commandLine.add(java);
		commandLine.addAll(JVM_OPTIONS);
		commandLine.add("-jar");
		commandLine.add(jar.toString());
		commandLine.add(this.command);
		commandLine.add("--server.port=" + this.httpPort);
		commandLine.add("--server.address=127.0.0.1");
		commandLine.add("--agent.endpoint.bind=" + endpoint());
		commandLine.add("--agent.health.bind=" + healthEndpoint());
		commandLine.add("--agent.advertise-host=127.0.0.1");
		commandLine.add("--agent.shutdown.report-file=" + this.report);
		commandLine.addAll(properties);
		this.startedNanos = System.nanoTime();
		this.process = new ProcessBuilder(commandLine).redirectErrorStream(true)
			.redirectOutput(this.log.toFile())
			.start();
	}

	/**
	 * Waits until {@code /actuator/health/readiness} answers 200.
	 * @throws IllegalStateException if the agent exits or is not ready in time
	 */
	void awaitReady(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		URI readiness = URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/health/readiness");
		while (System.nanoTime() - deadline < 0) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.label + " exited with " + this.process.exitValue()
						+ " before it was ready; see " + this.log);
			}
			try {
				HttpResponse<Void> response = HTTP.send(
						HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					this.readySeconds = seconds(System.nanoTime() - this.startedNanos);
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException(this.label + " was not ready within " + timeout.toSeconds() + " s; see "
				+ this.log);
	}

	/** SIGTERM ({@link Process#destroy()} on Linux). */
	void sigterm() {
		this.startedNanos = System.nanoTime();
		this.process.destroy();
	}

	/**
	 * Waits for the exit after {@link #sigterm()}; kills the process after the timeout.
	 * @return whether it exited by itself in time
	 */
	boolean awaitExit(Duration timeout) throws InterruptedException {
		boolean exited = this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		this.exitSeconds = seconds(System.nanoTime() - this.startedNanos);
		if (!exited) {
			this.killed = true;
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.exitCode = this.process.isAlive() ? null : this.process.exitValue();
		return exited;
	}

	void destroyForcibly() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroyForcibly();
		}
	}

	/** The shutdown report written at step 7, or {@code null} when there is none. */
	JsonNode readReport() {
		try {
			return Files.exists(this.report) ? DemoSocket.JSON.readTree(Files.readString(this.report)) : null;
		}
		catch (IOException | JacksonException ex) {
			return null;
		}
	}

	static double seconds(long nanos) {
		return nanos / 1e9;
	}

}
