package dev.agentry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;

/**
 * Starts what the benchmark measures, each in its own JVM with the JVM's own defaults (no
 * test-speed flags): the agent, the raw JeroMQ router, the plain Spring Boot app and the
 * sample agents.
 */
final class Servers {

	static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

	private final BenchJars jars;

	private final Path dir;

	private final List<String> agentJvmOptions;

	Servers(BenchJars jars, Path dir, List<String> agentJvmOptions) {
		this.jars = jars;
		this.dir = dir;
		this.agentJvmOptions = agentJvmOptions;
	}

	AgentLauncher agent() {
		return agent(this.jars.bench());
	}

	/** The agent from this jar: the bench jar, or its extracted form. */
	AgentLauncher agent(Path jar) {
		return AgentLauncher.jar(jar, "agent")
			.name("bench-agent")
			.property("spring.application.name", "bench-agent")
			.jvmOptions(this.agentJvmOptions.toArray(String[]::new))
			.directory(this.dir);
	}

	AgentLauncher baseline() {
		return baseline(this.jars.baseline());
	}

	AgentLauncher baseline(Path jar) {
		return AgentLauncher.jar(jar).name("baseline").jvmOptions().directory(this.dir);
	}

	BenchJars jars() {
		return this.jars;
	}

	/** A sample agent; the request-coordinator, under measurement in its suite, gets the agent's JVM options (a profiler, say). */
	AgentLauncher sample(String command) {
		String[] options = command.equals("request-coordinator") ? this.agentJvmOptions.toArray(String[]::new)
				: new String[0];
		return AgentLauncher.jar(this.jars.samples(), command).jvmOptions(options).directory(this.dir);
	}

	/** The raw router, bound and listening; its endpoint is {@code tcp://127.0.0.1:<port>}. */
	RawServer raw() {
		String bind = "tcp://127.0.0.1:" + FreePorts.next();
		AgentProcess process = AgentLauncher.jar(this.jars.bench(), "raw-router", bind)
			.name("raw-router")
			.jvmOptions()
			.directory(this.dir)
			.start();
		if (!process.awaitLog("raw router bound", READY_TIMEOUT)) {
			process.kill();
			throw new IllegalStateException("the raw router did not start; see " + process.logFile());
		}
		return new RawServer(process, bind);
	}

	record RawServer(AgentProcess process, String endpoint) implements AutoCloseable {

		@Override
		public void close() {
			this.process.close();
		}

	}

}
