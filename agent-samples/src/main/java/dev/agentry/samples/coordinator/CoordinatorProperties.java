package dev.agentry.samples.coordinator;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the request-coordinator sample.
 *
 * @param workers Where the workers are found: registry:service (the registry's live
 * instances, each pinned to the key it registered with) or dns:///host:port (every address of
 * a Kubernetes headless Service).
 * @param workersPublicKey The workers' CURVE public key (Z85) for a dns:/// source, pinned when
 * CURVE is on; the registry gives each instance's own.
 * @param workerTimeout How long one attempt on a worker may take before the next worker is tried.
 * @param refreshInterval How often the list of workers is read again.
 */
@ConfigurationProperties("request-coordinator")
public record CoordinatorProperties(@DefaultValue("registry:model-worker") String workers, String workersPublicKey,
		@DefaultValue("2s") Duration workerTimeout, @DefaultValue("500ms") Duration refreshInterval) {
}
