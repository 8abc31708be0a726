package dev.agentry.samples.verify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import tools.jackson.databind.JsonNode;

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
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() - deadline < 0) {
			JsonNode reply = this.registry.call("{\"action\":\"lookup\",\"service\":\"model-worker\"}");
			if (reply != null && !reply.path("instances").isEmpty()) {
				return;
			}
			sleep();
		}
		throw new IllegalStateException("the support model-worker never registered");
	}

	private static void sleep() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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
