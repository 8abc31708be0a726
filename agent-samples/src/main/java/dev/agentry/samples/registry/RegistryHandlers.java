package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentry.core.endpoint.ActionRequest;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.wire.AgentException;
import dev.agentry.core.trust.CurveTrust;
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
 * <p>
 * The registry is the fleet's root of trust. Every call is attributed to the caller's
 * identity as its connection proves it ({@link ActionRequest#peer()}): an instance belongs
 * to the identity that registered it, and only that identity may heartbeat, deregister or
 * register it again (see {@link RegistryStore}). With CURVE on, a {@code register} must also
 * carry {@code public_key}, the very key of its connection, and the certificate of that key
 * must grant the {@code service} (its metadata {@code services}); otherwise it is answered
 * {@code forbidden}. {@code lookup} shows each instance's {@code public_key}, which clients
 * pin: a worker that registered under a key it does not hold is reachable by nobody.
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

	private final CurveTrust trust;

	RegistryHandlers(RegistryStore store, AgentJson json,
			@Value("${agent.zmq.max-message-size:1MB}") DataSize maxMessageSize, CurveTrust trust) {
		this.store = store;
		this.trust = trust;
		this.mapper = json.mapper();
		this.maxReplyBytes = maxMessageSize.toBytes() - REPLY_ENVELOPE_BYTES;
	}

	record Register(String service, String instance, String endpoint,
			@JsonProperty("health_endpoint") String healthEndpoint, @JsonProperty("ttl_seconds") Double ttlSeconds,
			@JsonProperty("public_key") String publicKey) {

		Register(String service, String instance, String endpoint, String healthEndpoint, Double ttlSeconds) {
			this(service, instance, endpoint, healthEndpoint, ttlSeconds, null);
		}

	}

	record Instance(String service, String instance) {
	}

	record Lookup(String service) {
	}

	@AgentAction(value = "register", inline = true)
	Map<String, Object> register(Register register, ActionRequest request) {
		return register(register, request.peer());
	}

	/** A register by {@code peer}, the caller's identity as its connection proves it. */
	Map<String, Object> register(Register register, String peer) {
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
		String publicKey = authorize(register, peer);
		RegistryStore.Entry entry = new RegistryStore.Entry(register.service(), register.instance(),
				register.endpoint(), register.healthEndpoint(), ttl, 0, 0, peer, publicKey);
		int size = this.mapper.writeValueAsBytes(shown(entry, 0)).length;
		if (size > MAX_ENTRY_BYTES) {
			throw new AgentException(AgentError.BAD_REQUEST,
					"the entry is " + size + " bytes, over the registry's limit of " + MAX_ENTRY_BYTES);
		}
		this.store.register(register.service(), register.instance(), register.endpoint(), register.healthEndpoint(),
				ttl, peer, publicKey);
		return Map.of("registered", true);
	}

	/**
	 * With CURVE on, whether the connection's key may register this: the {@code public_key}
	 * it claims must be its own, and its certificate must grant the service.
	 * @return the key to show in {@code lookup}; {@code null} without CURVE, where a claimed
	 * key proves nothing and nobody pins one
	 */
	private String authorize(Register register, String peer) {
		if (!this.trust.enabled()) {
			return null;
		}
		if (register.publicKey() == null || peer == null || !register.publicKey().equals(peer)) {
			throw new AgentException(AgentError.FORBIDDEN, "field 'public_key' must be the CURVE public key of the "
					+ "connection the register came on: an instance registers under the key it holds");
		}
		if (!this.trust.services(peer).contains(register.service())) {
			throw new AgentException(AgentError.FORBIDDEN, "the certificate of this key does not grant service '"
					+ register.service() + "' (its metadata 'services' names the services it may register as)");
		}
		return peer;
	}

	@AgentAction(value = "heartbeat", inline = true)
	Map<String, Object> heartbeat(Instance instance, ActionRequest request) {
		return heartbeat(instance, request.peer());
	}

	Map<String, Object> heartbeat(Instance instance, String peer) {
		required("service", instance.service());
		required("instance", instance.instance());
		return Map.of("registered", this.store.heartbeat(instance.service(), instance.instance(), peer));
	}

	@AgentAction(value = "deregister", inline = true)
	Map<String, Object> deregister(Instance instance, ActionRequest request) {
		return deregister(instance, request.peer());
	}

	Map<String, Object> deregister(Instance instance, String peer) {
		required("service", instance.service());
		required("instance", instance.instance());
		return Map.of("removed", this.store.deregister(instance.service(), instance.instance(), peer));
	}

	/** The oldest instances first, as many as fit in a reply; {@code truncated} says whether any were left out. */
	@AgentAction(value = "lookup", inline = true)
	Map<String, Object> lookup(Lookup lookup) {
		long now = this.store.now();
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
		if (entry.publicKey() != null) {
			instance.put("public_key", entry.publicKey());
		}
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
