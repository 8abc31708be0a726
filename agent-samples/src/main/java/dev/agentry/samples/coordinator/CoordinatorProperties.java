package dev.agentry.samples.coordinator;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the request-coordinator sample.
 *
 * @param workerService Service name of the workers in the registry.
 * @param workerTimeout How long one attempt on a worker may take before the next worker is tried.
 * @param refreshInterval How often the list of live workers is read from the registry.
 */
@ConfigurationProperties("request-coordinator")
public record CoordinatorProperties(@DefaultValue("model-worker") String workerService,
		@DefaultValue("2s") Duration workerTimeout, @DefaultValue("500ms") Duration refreshInterval) {
}
