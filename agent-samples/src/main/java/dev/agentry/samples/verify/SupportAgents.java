package dev.agentry.samples.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The agents that the agents under test talk to, started once per run and not themselves
 * checked: a service registry for everyone to register with (so that deregistration at
 * step 0 runs for real), and a model-worker when the coordinator is checked.
 */
final class SupportAgents implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

	private final List<AgentProcess> running = new ArrayList<>();

	private AgentProcess registry;

	static SupportAgents start(Path jar, Path dir, boolean withWorker) {
		SupportAgents support = new SupportAgents();
		try {
			support.registry = support.launch(AgentLauncher.jar(jar, "service-registry").name("support-registry"), dir);
			if (withWorker) {
				AgentLauncher worker = AgentLauncher.jar(jar, "model-worker").name("support-worker");
				support.configure(worker);
				support.launch(worker, dir);
				support.awaitWorkerRegistered();
			}
			return support;
		}
		catch (RuntimeException ex) {
			support.close();
			throw ex;
		}
	}

	private AgentProcess launch(AgentLauncher launcher, Path dir) {
		AgentProcess agent = launcher.directory(dir).start();
		this.running.add(agent);
		return agent.awaitReady(READY_TIMEOUT);
	}

	/** Points an agent at the registry, with a quick heartbeat so that lookups are fresh. */
	void configure(AgentLauncher launcher) {
		launcher.property("agent.registry.endpoint", this.registry.endpoint())
			.property("agent.registry.heartbeat-interval", "500ms")
			.property("agent.registry.ttl", "3s");
	}

	private void awaitWorkerRegistered() {
		try {
			// Polled on this thread: the registry's client socket stays on the thread that made it.
			Awaitility.await()
				.atMost(READY_TIMEOUT)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(200))
				.pollInSameThread()
				.dontCatchUncaughtExceptions()
				.until(() -> this.registry.call("{\"action\":\"lookup\",\"service\":\"model-worker\"}"),
						(reply) -> reply != null && !reply.path("instances").isEmpty());
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException("the support model-worker never registered");
		}
	}

	/** SIGTERM to each, then SIGKILL for any that is still running after its budget. */
	@Override
	public void close() {
		for (AgentProcess agent : this.running) {
			agent.sigterm();
		}
		for (AgentProcess agent : this.running) {
			if (!agent.waitFor(Duration.ofSeconds(40))) {
				agent.kill();
			}
		}
	}

}
