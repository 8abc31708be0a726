package dev.agentry.core.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.agentry.core.client.AgentClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Talks to the service registry: {@code register}, {@code heartbeat}, {@code deregister},
 * {@code lookup}. Every call is bounded by its timeout and never throws for a registry that
 * is down: a registry outage must not block an agent's start, work or stop. Every call goes
 * through the client's own thread ({@link AgentClient#callShared}), so that the deregister at
 * step 0 uses the connection that the heartbeats keep up.
 */
public final class RegistryClient {

	private final AgentClient client;

	private final ObjectMapper mapper;

	private final Duration timeout;

	public RegistryClient(AgentClient client, ObjectMapper mapper, Duration timeout) {
		this.client = client;
		this.mapper = mapper;
		this.timeout = timeout;
	}

	/** Registers, or refreshes, an instance; returns whether the registry accepted it. */
	public boolean register(RegisteredInstance instance) {
		ObjectNode request = request("register", instance.service(), instance.instance());
		request.put("endpoint", instance.endpoint());
		request.put("health_endpoint", instance.healthEndpoint());
		request.put("ttl_seconds", instance.ttlSeconds());
		if (instance.publicKey() != null) {
			request.put("public_key", instance.publicKey());
		}
		return isOk(this.client.callShared(request, this.timeout));
	}

	/**
	 * @return the registry still knows the instance ({@code true}), it forgot it and wants a
	 * new registration ({@code false}), or it did not answer (empty)
	 */
	public Optional<Boolean> heartbeat(String service, String instance) {
		JsonNode reply = this.client.callShared(request("heartbeat", service, instance), this.timeout);
		if (!isOk(reply)) {
			return Optional.empty();
		}
		return Optional.of(reply.path("registered").asBoolean(false));
	}

	public boolean deregister(String service, String instance) {
		return isOk(this.client.callShared(request("deregister", service, instance), this.timeout));
	}

	/** The live instances of a service, or empty when the registry does not answer. */
	public Optional<List<RegisteredInstance>> lookup(String service) {
		ObjectNode request = this.mapper.createObjectNode();
		request.put("action", "lookup");
		if (service != null) {
			request.put("service", service);
		}
		JsonNode reply = this.client.callShared(request, this.timeout);
		if (!isOk(reply) || !reply.path("instances").isArray()) {
			return Optional.empty();
		}
		List<RegisteredInstance> instances = new ArrayList<>();
		for (JsonNode node : reply.get("instances")) {
			instances.add(new RegisteredInstance(node.path("service").asString(""), node.path("instance").asString(""),
					node.path("endpoint").asString(null), node.path("health_endpoint").asString(null),
					node.path("ttl_seconds").asDouble(0), node.path("age_seconds").asDouble(0),
					node.path("public_key").asString(null)));
		}
		return Optional.of(instances);
	}

	/** Every live instance of every service. */
	public Optional<List<RegisteredInstance>> lookupAll() {
		return lookup(null);
	}

	private ObjectNode request(String action, String service, String instance) {
		ObjectNode request = this.mapper.createObjectNode();
		request.put("action", action);
		request.put("service", service);
		request.put("instance", instance);
		return request;
	}

	private static boolean isOk(JsonNode reply) {
		return reply != null && "ok".equals(reply.path("status").asString(""));
	}

}
