package dev.agentry.samples.coordinator;

import java.util.List;

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

	WorkerDirectory(RegistryClient registry, String service) {
		this.registry = registry;
		this.service = service;
	}

	List<String> endpoints() {
		return this.endpoints;
	}

	void refresh() {
		this.registry.lookup(this.service).ifPresent((instances) -> {
			List<String> live = instances.stream()
				.map(RegisteredInstance::endpoint)
				.filter((endpoint) -> endpoint != null)
				.toList();
			if (!live.equals(this.endpoints)) {
				logger.info("Workers of '" + this.service + "': " + live);
				this.endpoints = live;
			}
		});
	}

}
