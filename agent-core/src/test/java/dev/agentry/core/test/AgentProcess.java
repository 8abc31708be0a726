package dev.agentry.core.test;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An agent in a child JVM, started from a jar or a main class with properties on the command
 * line, its output in a log file. {@link #close()} kills it if a test left it running.
 */
public final class AgentProcess implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final Path log;

	private final int httpPort;

	private AgentProcess(Process process, Path log, int httpPort) {
		this.process = process;
		this.log = log;
		this.httpPort = httpPort;
	}

	/** {@code java -jar jar args...}. */
	public static AgentProcess startJar(Path jar, List<String> args, Map<String, String> properties, int httpPort,
			Path log) {
		List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar.toString()));
		command.addAll(args);
		return start(command, properties, httpPort, log);
	}

	/** {@code java -cp <this JVM's class path> mainClass}. */
	public static AgentProcess startMain(Class<?> mainClass, Map<String, String> properties, int httpPort, Path log) {
		List<String> command = new ArrayList<>(
				List.of(javaBin(), "-cp", System.getProperty("java.class.path"), mainClass.getName()));
		return start(command, properties, httpPort, log);
	}

	private static AgentProcess start(List<String> command, Map<String, String> properties, int httpPort, Path log) {
		command.add(1, "-XX:TieredStopAtLevel=1");
		command.add(1, "-Xshare:auto");
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		command.add("--server.port=" + httpPort);
		command.add("--server.address=127.0.0.1");
		try {
			Files.createDirectories(log.toAbsolutePath().getParent());
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile());
			return new AgentProcess(builder.start(), log, httpPort);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String javaBin() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	public Process process() {
		return this.process;
	}

	public long pid() {
		return this.process.pid();
	}

	/** Waits until {@code /actuator/health/readiness} answers 200; fails if the process dies first. */
	public AgentProcess awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The agent exited with " + this.process.exitValue()
						+ " before it was ready; log:\n" + log());
			}
			if (httpStatus("/actuator/health/readiness") == 200) {
				return this;
			}
			sleep(100);
		}
		throw new IllegalStateException("The agent was not ready within " + timeout + "; log:\n" + log());
	}

	/** The HTTP status of a GET on the agent's management port, or -1 when it does not answer. */
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
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/** SIGTERM ({@link Process#destroy()} on Linux). */
	public void sigterm() {
		this.process.destroy();
	}

	/** SIGINT, through the {@code kill} command. */
	public void sigint() {
		signal("INT");
	}

	public void signal(String name) {
		try {
			new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start().waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Waits for the exit; returns the exit code, or kills the process and fails after the timeout. */
	public int awaitExit(Duration timeout) {
		try {
			if (this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				return this.process.exitValue();
			}
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			throw new AssertionError("The agent did not exit within " + timeout + "; log:\n" + log());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	public String log() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
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

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
