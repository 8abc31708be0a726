package dev.agentry.samples.coordinator;

import dev.agentry.core.client.AgentClient;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.client.EndpointSources;
import dev.agentry.core.registry.RegistryClient;
import dev.agentry.core.trust.CurveKeys;
import dev.agentry.core.zmq.ZmqSockets;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The request-coordinator agent: routes {@code infer} to live model-workers. */
@SpringBootApplication
@EnableConfigurationProperties(CoordinatorProperties.class)
public class CoordinatorApplication {

	/**
	 * With CURVE, each worker is pinned to its key: the one it registered with, or the one
	 * configured for a DNS source. A worker that registered a key it does not hold completes
	 * no handshake, and gets no request.
	 */
	@Bean
	AgentClient workers(AgentClients clients, CoordinatorProperties properties,
			ObjectProvider<RegistryClient> registry, ZmqSockets sockets) {
		if (sockets.curve() && !properties.workers().trim().startsWith("registry:")
				&& !CurveKeys.isKeyList(properties.workersPublicKey())) {
			throw new IllegalStateException("request-coordinator.workers-public-key must be the workers' CURVE public "
					+ "key (40 Z85 characters; while it is rotated, the old and the new key separated by a comma) when "
					+ "CURVE is on and request-coordinator.workers is not a registry source");
		}
		return clients.create("model-workers", EndpointSources.parse(properties.workers(),
				properties.workersPublicKey(), registry.getIfAvailable(), properties.refreshInterval()));
	}

}
