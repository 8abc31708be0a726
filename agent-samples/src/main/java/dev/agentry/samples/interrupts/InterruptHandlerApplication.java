package dev.agentry.samples.interrupts;

import java.util.UUID;

import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.zmq.ZmqSockets;
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
	InterruptPublisher interruptPublisher(ZmqSockets sockets, InterruptHandlerProperties properties,
			BeanFactory beanFactory) {
		return new InterruptPublisher(publisher(sockets, properties.publishBind(), beanFactory));
	}

	/**
	 * A PUB handler bound exactly to {@code bind}. Given a port, ZeroMqMessageHandler binds
	 * {@code tcp://*:<port>} (ZeroMqUtils.bindSocket): every interface, whatever host the
	 * bind names. So the socket configurer binds {@code bind} itself, and the handler gets a
	 * connect address instead, which is what keeps it from binding: an inproc endpoint that
	 * nobody ever binds, where JeroMQ only parks a pending connection that never subscribes,
	 * so that nothing is queued for it.
	 */
	static ZeroMqMessageHandler publisher(ZmqSockets sockets, String bind, BeanFactory beanFactory) {
		String unbound = "inproc://interrupt-publisher-" + UUID.randomUUID();
		ZeroMqMessageHandler publisher = new ZeroMqMessageHandler(sockets.context(), () -> unbound, SocketType.PUB);
		publisher.setSocketConfigurer((socket) -> {
			// With CURVE on, a server like every socket the agent binds: only authorized workers
			// subscribe, and they know the interrupts come from this agent.
			sockets.configureServer(socket, "interrupt-publisher");
			socket.bind(bind);
		});
		publisher.setTopic(TOPIC);
		publisher.setMessageMapper((message) -> (byte[]) message.getPayload());
		publisher.setBeanFactory(beanFactory);
		publisher.afterPropertiesSet();
		return publisher;
	}

	@Bean
	ManagedStream interruptStream(InterruptPublisher interruptPublisher) {
		return interruptPublisher.stream();
	}

}
