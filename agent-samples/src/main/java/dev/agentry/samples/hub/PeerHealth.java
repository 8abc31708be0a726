package dev.agentry.samples.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.agentry.core.client.AgentClient;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.registry.RegisteredInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The last health answer of every registered agent, polled in parallel each round, and
 * {@code agent_peer_up{service,instance}}: 1 when the agent answered the last poll. What is
 * polled, and how many, is {@link PollTargets}' decision: only what the registry lists, on
 * the registered host, pinned to the registered key, at most {@link PollTargets#MAX_PEERS}.
 */
final class PeerHealth {

	private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

	private final Supplier<Optional<List<RegisteredInstance>>> instances;

	private final AgentClient client;

	private final MultiGauge up;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Map<PollTargets.Key, Peer> peers = new ConcurrentHashMap<>();

	private final PollTargets targets;

	/**
	 * @param clients where the poll's client comes from: it connects to the health endpoints
	 * that {@link PollTargets} lists, each pinned to its instance's key when {@code curve}
	 */
	PeerHealth(Supplier<Optional<List<RegisteredInstance>>> instances, AgentClients clients, boolean curve,
			MeterRegistry meters, String agent) {
		this.instances = instances;
		this.targets = new PollTargets(curve);
		this.client = clients.create("health-poll", this.targets::listed, this.targets::serverKey);
		this.up = MultiGauge.builder("agent.peer.up")
			.description("Whether a registered agent answered the hub's last health poll")
			.tag("agent", agent)
			.register(meters);
	}

	record Peer(RegisteredInstance instance, JsonNode lastAnswer, long lastAnswerNanos, boolean up) {
	}

	void poll() {
		List<RegisteredInstance> instances = this.instances.get().orElse(null);
		if (instances == null) {
			return;
		}
		List<PollTargets.Target> polled = this.targets.update(instances, System.nanoTime());
		Map<PollTargets.Key, CompletableFuture<JsonNode>> answers = new HashMap<>();
		for (PollTargets.Target target : polled) {
			ObjectNode request = this.mapper.createObjectNode().put("action", "health_check");
			answers.put(key(target.instance()), this.client.callAt(target.healthEndpoint(), request, POLL_TIMEOUT));
		}
		Map<PollTargets.Key, Peer> next = new HashMap<>();
		for (PollTargets.Target target : polled) {
			RegisteredInstance instance = target.instance();
			PollTargets.Key key = key(instance);
			JsonNode reply = answers.get(key).join();
			Peer previous = this.peers.get(key);
			if (reply != null && "ok".equals(reply.path("status").asString(""))) {
				next.put(key, new Peer(instance, reply, System.nanoTime(), true));
			}
			else {
				next.put(key, new Peer(instance, (previous != null) ? previous.lastAnswer() : null,
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

	private static PollTargets.Key key(RegisteredInstance instance) {
		return new PollTargets.Key(instance.service(), instance.instance());
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
