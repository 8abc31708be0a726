package dev.agentry.core.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.core.registry.RegisteredInstance;
import dev.agentry.core.registry.RegistryClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@code registry:<service>}: the live instances of a service, looked up again every refresh
 * interval on this source's own thread, each with the public key it registered with (which
 * the registry checked was the key of its connection). When the registry does not answer, the
 * last list stays: a registry outage must not stop the traffic.
 */
final class RegistryEndpointSource implements EndpointSource {

	private static final Log logger = LogFactory.getLog(RegistryEndpointSource.class);

	private final RegistryClient registry;

	private final String service;

	private final Refresher refresher;

	private volatile List<String> endpoints = List.of();

	private volatile Map<String, String> keys = Map.of();

	RegistryEndpointSource(RegistryClient registry, String service, Duration refresh) {
		this.registry = registry;
		this.service = service;
		this.refresher = new Refresher("agent-registry-" + service, refresh, this::refresh);
	}

	@Override
	public List<String> endpoints() {
		return this.endpoints;
	}

	@Override
	public String publicKey(String endpoint) {
		return this.keys.get(endpoint);
	}

	@Override
	public void close() {
		this.refresher.close();
	}

	void refresh() {
		try {
			this.registry.lookup(this.service).ifPresent(this::update);
		}
		catch (RuntimeException ex) {
			// A client that is closing answers unavailable; anything else is kept from killing the schedule.
			logger.debug("Registry lookup of '" + this.service + "' failed: " + ex);
		}
	}

	private void update(List<RegisteredInstance> instances) {
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
			logger.info("Instances of '" + this.service + "': " + live);
			this.endpoints = live;
		}
	}

	@Override
	public String toString() {
		return "registry:" + this.service;
	}

}
