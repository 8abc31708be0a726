package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.endpoint.AgentError;
import dev.agentry.core.endpoint.AgentException;

import org.springframework.stereotype.Component;

/**
 * {@code register}, {@code heartbeat}, {@code deregister}, {@code lookup}: all inline, on the
 * endpoint's socket thread, because they only touch the in-memory store and never block.
 */
@Component
class RegistryHandlers {

	private static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

	private final RegistryStore store;

	RegistryHandlers(RegistryStore store) {
		this.store = store;
	}

	record Register(String service, String instance, String endpoint,
			@JsonProperty("health_endpoint") String healthEndpoint, @JsonProperty("ttl_seconds") Double ttlSeconds) {
	}

	record Instance(String service, String instance) {
	}

	record Lookup(String service) {
	}

	@AgentAction(value = "register", inline = true)
	Map<String, Object> register(Register register) {
		required("service", register.service());
		required("instance", register.instance());
		required("endpoint", register.endpoint());
		Duration ttl = DEFAULT_TTL;
		if (register.ttlSeconds() != null) {
			if (register.ttlSeconds() <= 0 || register.ttlSeconds() > 86_400) {
				throw new AgentException(AgentError.BAD_REQUEST, "field 'ttl_seconds' must be between 0 and 86400");
			}
			ttl = Duration.ofMillis(Math.round(register.ttlSeconds() * 1000));
		}
		this.store.register(register.service(), register.instance(), register.endpoint(), register.healthEndpoint(),
				ttl);
		return Map.of("registered", true);
	}

	@AgentAction(value = "heartbeat", inline = true)
	Map<String, Object> heartbeat(Instance instance) {
		required("service", instance.service());
		required("instance", instance.instance());
		return Map.of("registered", this.store.heartbeat(instance.service(), instance.instance()));
	}

	@AgentAction(value = "deregister", inline = true)
	Map<String, Object> deregister(Instance instance) {
		required("service", instance.service());
		required("instance", instance.instance());
		return Map.of("removed", this.store.deregister(instance.service(), instance.instance()));
	}

	@AgentAction(value = "lookup", inline = true)
	Map<String, Object> lookup(Lookup lookup) {
		long now = System.nanoTime();
		List<Map<String, Object>> instances = this.store.lookup(lookup.service())
			.stream()
			.map((entry) -> {
				Map<String, Object> instance = new java.util.LinkedHashMap<>();
				instance.put("service", entry.service());
				instance.put("instance", entry.instance());
				instance.put("endpoint", entry.endpoint());
				instance.put("health_endpoint", entry.healthEndpoint());
				instance.put("ttl_seconds", entry.ttl().toMillis() / 1000.0);
				instance.put("age_seconds", (now - entry.registeredNanos()) / 1e9);
				return instance;
			})
			.toList();
		return Map.of("instances", instances);
	}

	private static void required(String field, String value) {
		if (value == null || value.isBlank()) {
			throw new AgentException(AgentError.BAD_REQUEST, "field '" + field + "' is required");
		}
	}

}
