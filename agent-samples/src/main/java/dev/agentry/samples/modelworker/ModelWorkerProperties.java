package dev.agentry.samples.modelworker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the model-worker sample.
 *
 * @param latency the service time of one {@code infer}
 * @param interruptEndpoint the interrupt stream to subscribe to for cancellations
 * @param interruptPublicKey the streaming-interrupt-handler's CURVE public key (Z85),
 * pinned by the subscription; required when CURVE is on (agent.zmq.curve.certificate)
 */
@ConfigurationProperties("model-worker")
public record ModelWorkerProperties(@DefaultValue("20ms") Duration latency,
		@DefaultValue("tcp://127.0.0.1:5532") String interruptEndpoint, String interruptPublicKey) {
}
