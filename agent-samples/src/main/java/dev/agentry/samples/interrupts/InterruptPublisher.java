package dev.agentry.samples.interrupts;

import java.time.Duration;

import dev.agentry.core.stream.ManagedStream;

import org.springframework.integration.support.MessageBuilder;
import org.springframework.integration.zeromq.outbound.ZeroMqMessageHandler;

/** Publishes interrupt events through a spring-integration-zeromq PUB handler. */
final class InterruptPublisher {

	private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

	private final ZeroMqMessageHandler handler;

	InterruptPublisher(ZeroMqMessageHandler handler) {
		this.handler = handler;
	}

	/** Publishes and waits until the handler's socket thread has sent it (the handler is reactive). */
	void publish(byte[] event) {
		this.handler.handleMessage(MessageBuilder.withPayload(event).build()).block(SEND_TIMEOUT);
	}

	ManagedStream stream() {
		return ManagedStream.of("interrupt-publisher", this.handler);
	}

}
