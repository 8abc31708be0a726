package dev.agentry.samples.registry;

import dev.agentry.core.worker.AgentWorker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The service-registry agent: who is alive, where, until when, and under which key. */
@SpringBootApplication
public class ServiceRegistryApplication {

	@Bean
	AgentWorker expiry(RegistryStore store) {
		return AgentWorker.periodic("expiry", RegistryStore.SWEEP_INTERVAL, store::expire);
	}

}
