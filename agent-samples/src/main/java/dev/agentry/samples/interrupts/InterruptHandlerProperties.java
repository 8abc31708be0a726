package dev.agentry.samples.interrupts;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the streaming-interrupt-handler sample.
 *
 * @param publishBind Where the interrupt stream's PUB socket binds (its port; spring-integration
 * binds every interface).
 */
@ConfigurationProperties("streaming-interrupt-handler")
public record InterruptHandlerProperties(@DefaultValue("tcp://*:5532") String publishBind) {
}
