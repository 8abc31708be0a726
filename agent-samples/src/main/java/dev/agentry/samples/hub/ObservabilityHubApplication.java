package dev.agentry.samples.hub;

import java.time.Duration;

import dev.agentry.core.AgentStatus;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.registry.RegistryClient;
import dev.agentry.core.worker.AgentWorker;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The observability-hub agent: polls every registered agent's health socket. */
@SpringBootApplication
public class ObservabilityHubApplication {

	static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

	@Bean
	PeerHealth peerHealth(RegistryClient registry, AgentClients clients, MeterRegistry meters, AgentStatus status) {
		return new PeerHealth(registry, clients.create("health-poll", java.util.List::of), meters, status.name());
	}

	@Bean
	AgentWorker healthPoll(PeerHealth peers) {
		return AgentWorker.periodic("health-poll", POLL_INTERVAL, peers::poll);
	}

}
