package dev.agentry.samples.modelworker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the model-worker sample.
 *
 * @param latency the service time of one {@code infer}
 * @param interruptEndpoint the interrupt stream to subscribe to for cancellations
 */
@ConfigurationProperties("model-worker")
public record ModelWorkerProperties(@DefaultValue("20ms") Duration latency,
		@DefaultValue("tcp://127.0.0.1:5532") String interruptEndpoint) {
}
