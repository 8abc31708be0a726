package dev.agentry.samples.interrupts;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the streaming-interrupt-handler sample.
 *
 * @param publishBind Where the interrupt stream's PUB socket binds, exactly: {@code tcp://*:5532}
 * on every interface, {@code tcp://127.0.0.1:5532} on loopback only.
 */
@ConfigurationProperties("streaming-interrupt-handler")
public record InterruptHandlerProperties(@DefaultValue("tcp://*:5532") String publishBind) {
}
