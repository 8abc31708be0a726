package dev.agentry.samples.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentPorts;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import tools.jackson.databind.JsonNode;

/** One sample agent of the packaged jar in a child JVM, on free loopback ports. */
final class SampleAgent implements AutoCloseable {

	static final Path JAR = Path.of("target", "agent-samples.jar");

	final String command;

	final int http;

	final int endpoint;

	final int health;

	final Path report;

	final AgentProcess process;

	private SampleAgent(String command, int http, int endpoint, int health, Path report, AgentProcess process) {
		this.command = command;
		this.http = http;
		this.endpoint = endpoint;
		this.health = health;
		this.report = report;
		this.process = process;
	}

	/** Starts without waiting; {@link #awaitReady()} waits. */
	static SampleAgent start(String command, Path dir, Integer registryPort, Map<String, String> extra) {
		return start(command, dir, registryPort, FreePorts.next(), extra);
	}

	static SampleAgent start(String command, Path dir, Integer registryPort, int endpoint, Map<String, String> extra) {
		return start(command, dir, registryPort, endpoint, FreePorts.next(), extra);
	}

	/** On a given HTTP port, known in advance (to a Prometheus scrape configuration, say). */
	static SampleAgent startWithHttp(String command, Path dir, Integer registryPort, int http,
			Map<String, String> extra) {
		return start(command, dir, registryPort, FreePorts.next(), http, extra);
	}

	/**
	 * On given endpoint and HTTP ports: an agent started again on its predecessor's endpoint
	 * port reads its predecessor's shutdown report (the report file is named after the port).
	 */
	static SampleAgent start(String command, Path dir, Integer registryPort, int endpoint, int http,
			Map<String, String> extra) {
		int health = FreePorts.next();
		Path report = dir.resolve(command + "-" + endpoint + ".json");
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("agent.shutdown.report-file", report.toString());
		properties.put("agent.shutdown.drain-timeout", "5s");
		properties.put("agent.shutdown.worker-join-timeout", "2s");
		properties.put("agent.registry.heartbeat-interval", "500ms");
		properties.put("agent.registry.ttl", "3s");
		if (registryPort != null) {
			properties.put("agent.registry.endpoint", "tcp://127.0.0.1:" + registryPort);
		}
		properties.putAll(extra);
		AgentProcess process = AgentLauncher.jar(JAR, command)
			.ports(new AgentPorts(http, endpoint, health))
			.properties(properties)
			.directory(dir)
			.start();
		return new SampleAgent(command, http, endpoint, health, report, process);
	}

	SampleAgent awaitReady() {
		this.process.awaitReady(Duration.ofSeconds(90));
		return this;
	}

	String endpointAddress() {
		return "tcp://127.0.0.1:" + this.endpoint;
	}

	/** One request on a fresh, proven connection. */
	JsonNode call(String json) {
		try (ZmqTestClient client = ZmqTestClient.req(endpointAddress())) {
			return client.call(json);
		}
	}

	String instance() {
		try (ZmqTestClient client = ZmqTestClient.req("tcp://127.0.0.1:" + this.health)) {
			return client.call("{\"action\":\"health_check\"}").get("instance").asString();
		}
	}

	@Override
	public void close() {
		this.process.close();
	}

}
