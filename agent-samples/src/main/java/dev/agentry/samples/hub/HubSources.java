package dev.agentry.samples.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.agentry.core.client.EndpointSource;
import dev.agentry.core.client.EndpointSources;
import dev.agentry.core.registry.RegisteredInstance;
import dev.agentry.core.registry.RegistryClient;
import dev.agentry.core.trust.CurveKeys;

/**
 * What the hub polls: the registry's instances, or, with {@code observability-hub.agents},
 * every address of each configured DNS source, as an instance whose endpoint is its health
 * endpoint (so that it passes {@link PollTargets}' same-host rule) and whose key is the one
 * configured for that agent. Closes its DNS sources with the hub.
 */
final class HubSources implements Supplier<Optional<List<RegisteredInstance>>>, AutoCloseable {

	private final RegistryClient registry;

	private final List<Named> sources = new ArrayList<>();

	private record Named(String name, EndpointSource source, String publicKey) {
	}

	HubSources(HubProperties properties, RegistryClient registry, boolean curve, Duration refresh) {
		this.registry = registry;
		for (HubProperties.Agent agent : properties.agents()) {
			if (agent.source() == null || !agent.source().trim().startsWith("dns:")) {
				throw new IllegalArgumentException("observability-hub.agents[].source must be dns:///host:port, not '"
						+ agent.source() + "'");
			}
			if (curve && !CurveKeys.isKeyList(agent.publicKey())) {
				throw new IllegalArgumentException("observability-hub.agents[].public-key of " + agent.source()
						+ " must be its CURVE public key (40 Z85 characters; while it is rotated, the old and the new "
						+ "key separated by a comma) when CURVE is on");
			}
			EndpointSource source = EndpointSources.dns(agent.source(), agent.publicKey(), refresh);
			String name = (agent.name() != null && !agent.name().isBlank()) ? agent.name() : host(agent.source());
			this.sources.add(new Named(name, source, agent.publicKey()));
		}
		if (this.sources.isEmpty() && registry == null) {
			throw new IllegalArgumentException("The hub needs agent.registry.endpoint or observability-hub.agents");
		}
	}

	@Override
	public Optional<List<RegisteredInstance>> get() {
		if (this.sources.isEmpty()) {
			return this.registry.lookupAll();
		}
		List<RegisteredInstance> instances = new ArrayList<>();
		for (Named named : this.sources) {
			for (String endpoint : named.source().endpoints()) {
				instances.add(new RegisteredInstance(named.name(), endpoint.substring("tcp://".length()), endpoint,
						endpoint, 0, 0, named.publicKey()));
			}
		}
		return Optional.of(instances);
	}

	@Override
	public void close() {
		this.sources.forEach((named) -> named.source().close());
	}

	private static String host(String source) {
		String rest = source.trim().substring("dns:///".length());
		int colon = rest.lastIndexOf(':');
		return (colon > 0) ? rest.substring(0, colon) : rest;
	}

}
