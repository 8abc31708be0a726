package dev.agentry.samples.interrupts;

import java.net.URI;

import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.zmq.ZmqContextLifecycle;
import org.zeromq.SocketType;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.zeromq.outbound.ZeroMqMessageHandler;

/** The streaming-interrupt-handler agent: turns {@code interrupt} requests into a PUB stream. */
@SpringBootApplication
@EnableIntegration
@EnableConfigurationProperties(InterruptHandlerProperties.class)
public class InterruptHandlerApplication {

	/** The interrupt stream's topic, which the workers subscribe to. */
	public static final String TOPIC = "interrupt";

	/**
	 * The publisher is no bean of its own: as one, Spring would stop it as a plain lifecycle
	 * after the ZMQ context and destroy it later still; {@link ManagedStream} closes it at step 2.
	 */
	@Bean
	InterruptPublisher interruptPublisher(ZmqContextLifecycle zmq, InterruptHandlerProperties properties,
			BeanFactory beanFactory) throws Exception {
		// spring-integration binds the PUB socket on every interface at the port of publish-bind.
		ZeroMqMessageHandler publisher = new ZeroMqMessageHandler(zmq.context(), port(properties.publishBind()),
				SocketType.PUB);
		publisher.setTopic(TOPIC);
		publisher.setMessageMapper((message) -> (byte[]) message.getPayload());
		publisher.setBeanFactory(beanFactory);
		publisher.afterPropertiesSet();
		return new InterruptPublisher(publisher);
	}

	@Bean
	ManagedStream interruptStream(InterruptPublisher interruptPublisher) {
		return interruptPublisher.stream();
	}

	static int port(String bind) {
		return URI.create(bind.replace("*", "0.0.0.0")).getPort();
	}

}
