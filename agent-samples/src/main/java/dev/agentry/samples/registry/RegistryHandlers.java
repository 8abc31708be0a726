package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.endpoint.AgentError;
import dev.agentry.core.AgentJson;
import dev.agentry.core.endpoint.AgentException;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * {@code register}, {@code heartbeat}, {@code deregister}, {@code lookup}: all inline, on the
 * endpoint's socket thread, because they only touch the in-memory store and never block.
 * <p>
 * Hostile or broken peers must not be able to fill it: an entry is at most
 * {@link #MAX_ENTRY_BYTES} as {@code lookup} shows it, its endpoints are
 * {@code tcp://host:port}, and the store's limits bound how many there are (see
 * {@link RegistryStore}). A {@code lookup} reply stays within {@code agent.zmq.max-message-size},
 * which every agent's client also accepts: past it, instances are left out and the reply
 * says {@code truncated: true}.
 */
@Component
class RegistryHandlers {

	private static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

	/** An entry's size limit, as serialized in a {@code lookup} reply (DESIGN: "over 4 KB"). */
	static final int MAX_ENTRY_BYTES = 4096;

	/**
	 * Room left in a {@code lookup} reply for its envelope: status, the echoed {@code id}
	 * (at most 256 characters, up to six bytes each once escaped) and {@code truncated}.
	 */
	private static final int REPLY_ENVELOPE_BYTES = 4096;

	private final RegistryStore store;

	private final ObjectMapper mapper;

	private final long maxReplyBytes;

	RegistryHandlers(RegistryStore store, AgentJson json,
			@Value("${agent.zmq.max-message-size:1MB}") DataSize maxMessageSize) {
		this.store = store;
		this.mapper = json.mapper();
		this.maxReplyBytes = maxMessageSize.toBytes() - REPLY_ENVELOPE_BYTES;
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
		address("endpoint", register.endpoint());
		if (register.healthEndpoint() != null) {
			address("health_endpoint", register.healthEndpoint());
		}
		Duration ttl = DEFAULT_TTL;
		if (register.ttlSeconds() != null) {
			if (register.ttlSeconds() <= 0 || register.ttlSeconds() > 86_400) {
				throw new AgentException(AgentError.BAD_REQUEST, "field 'ttl_seconds' must be between 0 and 86400");
			}
			ttl = Duration.ofMillis(Math.round(register.ttlSeconds() * 1000));
		}
		RegistryStore.Entry entry = new RegistryStore.Entry(register.service(), register.instance(),
				register.endpoint(), register.healthEndpoint(), ttl, 0, 0);
		int size = this.mapper.writeValueAsBytes(shown(entry, 0)).length;
		if (size > MAX_ENTRY_BYTES) {
			throw new AgentException(AgentError.BAD_REQUEST,
					"the entry is " + size + " bytes, over the registry's limit of " + MAX_ENTRY_BYTES);
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

	/** The oldest instances first, as many as fit in a reply; {@code truncated} says whether any were left out. */
	@AgentAction(value = "lookup", inline = true)
	Map<String, Object> lookup(Lookup lookup) {
		long now = System.nanoTime();
		List<Map<String, Object>> instances = new ArrayList<>();
		long bytes = 0;
		boolean truncated = false;
		for (RegistryStore.Entry entry : this.store.lookup(lookup.service())) {
			Map<String, Object> instance = shown(entry, now);
			// Its bytes plus a comma: measured, as the reply will write it.
			bytes += this.mapper.writeValueAsBytes(instance).length + 1;
			if (bytes > this.maxReplyBytes) {
				truncated = true;
				break;
			}
			instances.add(instance);
		}
		Map<String, Object> reply = new LinkedHashMap<>();
		reply.put("instances", instances);
		reply.put("truncated", truncated);
		return reply;
	}

	/** An entry as {@code lookup} shows it. */
	private static Map<String, Object> shown(RegistryStore.Entry entry, long now) {
		Map<String, Object> instance = new LinkedHashMap<>();
		instance.put("service", entry.service());
		instance.put("instance", entry.instance());
		instance.put("endpoint", entry.endpoint());
		instance.put("health_endpoint", entry.healthEndpoint());
		instance.put("ttl_seconds", entry.ttl().toMillis() / 1000.0);
		instance.put("age_seconds", (now - entry.registeredNanos()) / 1e9);
		return instance;
	}

	private static void address(String field, String value) {
		if (!EndpointAddress.isValid(value)) {
			throw new AgentException(AgentError.BAD_REQUEST, "field '" + field
					+ "' must be tcp://host:port (a DNS name, an IPv4 address or a bracketed IPv6 address; port 1-65535)");
		}
	}

	private static void required(String field, String value) {
		if (value == null || value.isBlank()) {
			throw new AgentException(AgentError.BAD_REQUEST, "field '" + field + "' is required");
		}
	}

}
