package dev.agentry.samples.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.agentry.core.client.AgentClient;
import dev.agentry.core.registry.RegisteredInstance;
import dev.agentry.core.registry.RegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The last health answer of every registered agent, polled in parallel each round, and
 * {@code agent_peer_up{service,instance}}: 1 when the agent answered the last poll.
 */
final class PeerHealth {

	private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

	private final RegistryClient registry;

	private final AgentClient client;

	private final MultiGauge up;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Map<String, Peer> peers = new ConcurrentHashMap<>();

	PeerHealth(RegistryClient registry, AgentClient client, MeterRegistry meters, String agent) {
		this.registry = registry;
		this.client = client;
		this.up = MultiGauge.builder("agent.peer.up")
			.description("Whether a registered agent answered the hub's last health poll")
			.tag("agent", agent)
			.register(meters);
	}

	record Peer(RegisteredInstance instance, JsonNode lastAnswer, long lastAnswerNanos, boolean up) {
	}

	void poll() {
		List<RegisteredInstance> instances = this.registry.lookupAll().orElse(null);
		if (instances == null) {
			return;
		}
		Map<String, CompletableFuture<JsonNode>> answers = new HashMap<>();
		for (RegisteredInstance instance : instances) {
			if (instance.healthEndpoint() != null) {
				ObjectNode request = this.mapper.createObjectNode().put("action", "health_check");
				answers.put(instance.instance(), this.client.callAt(instance.healthEndpoint(), request, POLL_TIMEOUT));
			}
		}
		Map<String, Peer> next = new HashMap<>();
		for (RegisteredInstance instance : instances) {
			CompletableFuture<JsonNode> answer = answers.get(instance.instance());
			JsonNode reply = (answer != null) ? answer.join() : null;
			Peer previous = this.peers.get(instance.instance());
			if (reply != null && "ok".equals(reply.path("status").asString(""))) {
				next.put(instance.instance(), new Peer(instance, reply, System.nanoTime(), true));
			}
			else {
				next.put(instance.instance(), new Peer(instance, (previous != null) ? previous.lastAnswer() : null,
						(previous != null) ? previous.lastAnswerNanos() : 0, false));
			}
		}
		this.peers.keySet().retainAll(next.keySet());
		this.peers.putAll(next);
		List<MultiGauge.Row<?>> rows = new ArrayList<>();
		next.values()
			.forEach((peer) -> rows.add(MultiGauge.Row.of(
					Tags.of("service", peer.instance().service(), "instance", peer.instance().instance()),
					peer.up() ? 1 : 0)));
		this.up.register(rows, true);
	}

	List<Map<String, Object>> status() {
		long now = System.nanoTime();
		List<Map<String, Object>> agents = new ArrayList<>();
		this.peers.values().forEach((peer) -> {
			Map<String, Object> agent = new java.util.LinkedHashMap<>();
			agent.put("service", peer.instance().service());
			agent.put("instance", peer.instance().instance());
			agent.put("state", (peer.lastAnswer() != null) ? peer.lastAnswer().path("state").asString("unknown")
					: "unknown");
			agent.put("up", peer.up());
			agent.put("age_seconds", (peer.lastAnswerNanos() != 0) ? (now - peer.lastAnswerNanos()) / 1e9 : null);
			agent.put("endpoint", peer.instance().endpoint());
			agent.put("health_endpoint", peer.instance().healthEndpoint());
			agents.add(agent);
		});
		agents.sort(java.util.Comparator.comparing((Map<String, Object> agent) -> (String) agent.get("service"))
			.thenComparing((agent) -> (String) agent.get("instance")));
		return agents;
	}

}
