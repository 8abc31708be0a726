package dev.agentry.samples.coordinator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.core.registry.RegisteredInstance;
import dev.agentry.core.registry.RegistryClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The live workers, read from the registry again and again. When the registry does not
 * answer, the last known list stays: a registry outage must not stop the traffic.
 */
final class WorkerDirectory {

	private static final Log logger = LogFactory.getLog(WorkerDirectory.class);

	private final RegistryClient registry;

	private final String service;

	private volatile List<String> endpoints = List.of();

	/** Each endpoint's public key as the registry gives it (the key that registered it). */
	private volatile Map<String, String> keys = Map.of();

	WorkerDirectory(RegistryClient registry, String service) {
		this.registry = registry;
		this.service = service;
	}

	List<String> endpoints() {
		return this.endpoints;
	}

	/** The CURVE key the worker at {@code endpoint} registered with, or {@code null}. */
	String publicKey(String endpoint) {
		return this.keys.get(endpoint);
	}

	void refresh() {
		this.registry.lookup(this.service).ifPresent((instances) -> {
			List<String> live = instances.stream()
				.map(RegisteredInstance::endpoint)
				.filter((endpoint) -> endpoint != null)
				.distinct()
				.toList();
			Map<String, String> keys = new HashMap<>();
			instances.stream()
				.filter((instance) -> instance.endpoint() != null && instance.publicKey() != null)
				.forEach((instance) -> keys.put(instance.endpoint(), instance.publicKey()));
			// Keys first: a client that sees a new endpoint must find its key.
			this.keys = Map.copyOf(keys);
			if (!live.equals(this.endpoints)) {
				logger.info("Workers of '" + this.service + "': " + live);
				this.endpoints = live;
			}
		});
	}

}
