package dev.agentry.samples.coordinator;

import dev.agentry.core.client.AgentClient;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.registry.RegistryClient;
import dev.agentry.core.worker.AgentWorker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The request-coordinator agent: routes {@code infer} to live model-workers. */
@SpringBootApplication
@EnableConfigurationProperties(CoordinatorProperties.class)
public class CoordinatorApplication {

	@Bean
	WorkerDirectory workerDirectory(RegistryClient registry, CoordinatorProperties properties) {
		return new WorkerDirectory(registry, properties.workerService());
	}

	@Bean
	AgentWorker workerDirectoryRefresh(WorkerDirectory directory, CoordinatorProperties properties) {
		return AgentWorker.periodic("worker-directory", properties.refreshInterval(), directory::refresh);
	}

	@Bean
	AgentClient workers(AgentClients clients, WorkerDirectory directory) {
		// With CURVE, each worker is pinned to the key it registered with: one that registered a key
		// it does not hold completes no handshake, and gets no request.
		return clients.create("model-workers", directory::endpoints, directory::publicKey);
	}

}
