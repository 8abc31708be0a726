package dev.agentry.samples.hub;

import java.time.Duration;

import dev.agentry.core.AgentStatus;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.registry.RegistryClient;
import dev.agentry.core.trust.CurveTrust;
import dev.agentry.core.worker.AgentWorker;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The observability-hub agent: polls the health socket of every agent that the registry
 * lists, within the bounds of {@link PollTargets}.
 */
@SpringBootApplication
@EnableConfigurationProperties(HubProperties.class)
public class ObservabilityHubApplication {

	static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

	@Bean
	HubSources hubSources(HubProperties properties, ObjectProvider<RegistryClient> registry, CurveTrust trust) {
		return new HubSources(properties, registry.getIfAvailable(), trust.enabled(), POLL_INTERVAL);
	}

	@Bean
	PeerHealth peerHealth(HubSources sources, AgentClients clients, CurveTrust trust, MeterRegistry meters,
			AgentStatus status) {
		return new PeerHealth(sources, clients, trust.enabled(), meters, status.name());
	}

	@Bean
	AgentWorker healthPoll(PeerHealth peers) {
		return AgentWorker.periodic("health-poll", POLL_INTERVAL, peers::poll);
	}

}
