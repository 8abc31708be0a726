package dev.agentry.samples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentPorts;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.ShutdownReport;

/**
 * One sample agent in a child JVM of the samples jar, started with the test kit on its own
 * free loopback ports, and what the demo learned about it: when it was ready, how it exited.
 */
final class ChildAgent {

	final String label;

	final String command;

	private final AgentLauncher launcher;

	private AgentProcess process;

	private long signalNanos;

	/** The agent's own instance id, from its health socket once it is ready. */
	String instance = "?";

	double readySeconds;

	Integer exitCode;

	double exitSeconds;

	boolean killed;

	ChildAgent(String label, String command, Path jar, Path dir) {
		this.label = label;
		this.command = command;
		this.launcher = AgentLauncher.jar(jar, command).name(label).directory(dir);
	}

	void start(Map<String, String> properties) {
		this.process = this.launcher.properties(properties).start();
	}

	AgentPorts ports() {
		return this.process.ports();
	}

	String endpoint() {
		return this.process.endpoint();
	}

	String healthEndpoint() {
		return this.process.healthEndpoint();
	}

	Path log() {
		return this.process.logFile();
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Waits until {@code /actuator/health/readiness} answers 200.
	 * @throws IllegalStateException if the agent exits or is not ready in time
	 */
	void awaitReady(Duration timeout) {
		this.process.awaitReady(timeout);
		this.readySeconds = this.process.readyAfter().map(ChildAgent::seconds).orElse(0.0);
	}

	void sigterm() {
		this.signalNanos = System.nanoTime();
		this.process.sigterm();
	}

	/**
	 * Waits for the exit after {@link #sigterm()}; kills the process after the timeout.
	 * @return whether it exited by itself in time
	 */
	boolean awaitExit(Duration timeout) {
		boolean exited = this.process.waitFor(timeout);
		this.exitSeconds = seconds(Duration.ofNanos(System.nanoTime() - this.signalNanos));
		if (!exited) {
			this.killed = true;
			this.process.kill();
		}
		this.exitCode = this.process.isAlive() ? null : this.process.process().exitValue();
		return exited;
	}

	void destroyForcibly() {
		if (isAlive()) {
			this.process.kill();
		}
	}

	/** The shutdown report written at step 7, or {@code null} when there is none. */
	ShutdownReport readReport() {
		return (this.process != null) ? this.process.report().orElse(null) : null;
	}

	static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	static double seconds(long nanos) {
		return nanos / 1e9;
	}

}
