package dev.agentry.samples.registry;

import java.time.Duration;

import dev.agentry.core.worker.AgentWorker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The service-registry agent: who is alive, where, until when. */
@SpringBootApplication
public class ServiceRegistryApplication {

	@Bean
	AgentWorker expiry(RegistryStore store) {
		return AgentWorker.periodic("expiry", Duration.ofMillis(250), store::expire);
	}

}
