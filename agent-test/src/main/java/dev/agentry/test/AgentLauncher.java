package dev.agentry.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.convert.DurationStyle;

/**
 * How to start an agent as a child JVM: its jar or main class, its arguments and
 * properties. Every {@link #start()} gives it free loopback ports (unless {@link #ports} fixed
 * them), binds its endpoint, health socket and HTTP server to 127.0.0.1, and points its
 * shutdown report and log into {@link #directory}, so that runs never collide.
 *
 * <pre>{@code
 * AgentLauncher.jar(Path.of("target/my-agent.jar")).property("agent.shutdown.drain-timeout", "5s").start()
 * }</pre>
 */
public final class AgentLauncher {

	/** Faster start-up for short-lived JVMs, and fewer GC threads on a small machine. */
	private static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1",
			"-XX:+UseSerialGC");

	private static final AtomicInteger runs = new AtomicInteger();

	private final List<String> launch;

	private final Map<String, String> properties = new LinkedHashMap<>();

	private final List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);

	private String name;

	private Path directory;

	private AgentPorts ports;

	private Path java = Path.of(System.getProperty("java.home"), "bin", "java");

	private AgentLauncher(List<String> launch, String name) {
		this.launch = List.copyOf(launch);
		this.name = name;
	}

	/** {@code java -jar jar args...}, for a packaged agent. */
	public static AgentLauncher jar(Path jar, String... args) {
		List<String> launch = new ArrayList<>(List.of("-jar", jar.toAbsolutePath().toString()));
		Collections.addAll(launch, args);
		return new AgentLauncher(launch, (args.length > 0) ? args[0] : stripJar(jar));
	}

	/** {@code java -cp <this JVM's class path> mainClass args...}, for an agent in the test's own build. */
	public static AgentLauncher mainClass(Class<?> mainClass, String... args) {
		List<String> launch = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		Collections.addAll(launch, args);
		return new AgentLauncher(launch, mainClass.getSimpleName());
	}

	private static String stripJar(Path jar) {
		String file = jar.getFileName().toString();
		return file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
	}

	/** A label for logs, files and results (default: the first argument, or the jar or class name). */
	public AgentLauncher name(String name) {
		this.name = name;
		return this;
	}

	/** A Spring property, passed as {@code --name=value}; it wins over the kit's own. */
	public AgentLauncher property(String name, Object value) {
		this.properties.put(name, String.valueOf(value));
		return this;
	}

	public AgentLauncher properties(Map<String, ?> properties) {
		properties.forEach(this::property);
		return this;
	}

	/** Replaces the kit's JVM options ({@code -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}). */
	public AgentLauncher jvmOptions(String... options) {
		this.jvmOptions.clear();
		Collections.addAll(this.jvmOptions, options);
		return this;
	}

	/** Where logs and shutdown reports go (default: a new temporary directory). */
	public AgentLauncher directory(Path directory) {
		this.directory = directory;
		return this;
	}

	/** Another JVM than the test's own, e.g. a newer JDK's {@code bin/java}. */
	public AgentLauncher java(Path java) {
		this.java = java;
		return this;
	}

	/** Fixed ports instead of free ones, e.g. when a scrape configuration must know them in advance. */
	public AgentLauncher ports(AgentPorts ports) {
		this.ports = ports;
		return this;
	}

	public String name() {
		return this.name;
	}

	/** A property as it will be passed, if set. */
	public Optional<String> property(String name) {
		return Optional.ofNullable(this.properties.get(name));
	}

	/** Whether the property was set here; the kit only fills in what the user left unset. */
	boolean has(String name) {
		return this.properties.containsKey(name);
	}

	/**
	 * The agent's worst-case shutdown, {@code delay + drain-timeout + worker-join-timeout +
	 * linger}, from the properties set here and DESIGN.md's defaults for the rest. The agent
	 * logs its own figure once ready ({@link AgentProcess#budget()}), which also sees its
	 * application properties; this one serves before that.
	 */
	public Duration budget() {
		return duration("agent.shutdown.delay", Duration.ZERO)
			.plus(duration("agent.shutdown.drain-timeout", Duration.ofSeconds(20)))
			.plus(duration("agent.shutdown.worker-join-timeout", Duration.ofSeconds(10)))
			.plus(duration("agent.zmq.linger", Duration.ofSeconds(1)));
	}

	private Duration duration(String property, Duration fallback) {
		return property(property).map(DurationStyle::detectAndParse).orElse(fallback);
	}

	/** Starts the agent without waiting for it; {@link AgentProcess#awaitReady} waits. */
	public AgentProcess start() {
		AgentPorts ports = (this.ports != null) ? this.ports : AgentPorts.free();
		try {
			Path dir = (this.directory != null) ? this.directory : Files.createTempDirectory("agentry-test-");
			Files.createDirectories(dir);
			String run = this.name + "-" + runs.incrementAndGet();
			Path log = dir.resolve(run + ".log");
			Path report = dir.resolve(run + "-shutdown.json");
			Map<String, String> all = new LinkedHashMap<>();
			all.put("server.port", Integer.toString(ports.http()));
			all.put("server.address", "127.0.0.1");
			all.put("agent.endpoint.bind", "tcp://127.0.0.1:" + ports.endpoint());
			all.put("agent.health.bind", "tcp://127.0.0.1:" + ports.health());
			all.put("agent.advertise-host", "127.0.0.1");
			all.put("agent.shutdown.report-file", report.toString());
			all.putAll(this.properties);
			List<String> command = new ArrayList<>();
			command.add(this.java.toString());
			command.addAll(this.jvmOptions);
			command.addAll(this.launch);
			all.forEach((key, value) -> command.add("--" + key + "=" + value));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			return new AgentProcess(this.name, process, ports, log, report);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.name, ex);
		}
	}

}
