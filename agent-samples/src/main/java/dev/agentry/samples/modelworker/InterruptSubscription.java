package dev.agentry.samples.modelworker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.endpoint.RequestEndpoint;
import dev.agentry.core.trust.CurveKeys;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.integration.zeromq.inbound.ZeroMqMessageProducer;

/**
 * Subscribes to the interrupt stream ({@code model-worker.interrupt-endpoint}) with
 * spring-integration-zeromq and cancels the named request: the endpoint answers it
 * {@code cancelled} at once and its handler stops at its next check. The subscriber connects
 * once the endpoint's host resolves ({@link StartOnceResolved}): a publisher's DNS name may
 * not resolve yet when this worker starts.
 */
@Configuration(proxyBeanMethods = false)
@EnableIntegration
class InterruptSubscription {

	private static final Log logger = LogFactory.getLog(InterruptSubscription.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final AtomicLong nextForbiddenWarn = new AtomicLong();

	/**
	 * The endpoints are looked up when an interrupt arrives, not injected: a lifecycle bean that
	 * depends on the endpoints is stopped by Spring before them, and the subscription must
	 * keep cancelling requests while they drain.
	 */
	@Bean
	ManagedStream interruptSubscriber(ZmqSockets sockets, ModelWorkerProperties properties,
			ObjectProvider<RequestEndpoints> endpoints, BeanFactory beanFactory) {
		if (sockets.curve() && !CurveKeys.isKey(properties.interruptPublicKey())) {
			throw new IllegalStateException("model-worker.interrupt-public-key must be the streaming-interrupt-handler's "
					+ "CURVE public key (40 Z85 characters) when CURVE is on: the subscription pins it");
		}
		DirectChannel interrupts = new DirectChannel();
		interrupts.subscribe((message) -> cancel((byte[]) message.getPayload(), endpoints.getObject()));
		ZeroMqMessageProducer subscriber = new ZeroMqMessageProducer(sockets.context(), SocketType.SUB);
		subscriber.setConnectUrl(properties.interruptEndpoint());
		subscriber.setSocketConfigurer((socket) -> {
			// The agent's settings and socket customizers; with CURVE on, interrupts are taken
			// only from the handler that holds this key.
			sockets.configureClient(socket, "interrupt-subscriber", properties.interruptPublicKey());
			// After them: a subscriber has nothing worth flushing at close; a gone publisher must
			// not hold step 5.
			socket.setLinger(0);
		});
		subscriber.setTopics("interrupt");
		subscriber.setMessageMapper((payload, headers) -> MessageBuilder.withPayload(payload).copyHeaders(headers).build());
		subscriber.setOutputChannel(interrupts);
		subscriber.setBeanFactory(beanFactory);
		subscriber.afterPropertiesSet();
		return ManagedStream.of("interrupt-subscriber",
				new StartOnceResolved<>("interrupt-subscriber", properties.interruptEndpoint(), subscriber));
	}

	/**
	 * Cancels the named request for the identity that asked for it: a request that another
	 * identity sent is left alone (forbidden), which is told at WARN at most once a minute.
	 */
	private static void cancel(byte[] event, RequestEndpoints endpoints) {
		try {
			JsonNode interrupt = mapper.readTree(event);
			JsonNode requestId = interrupt.get("request_id");
			if (requestId == null || !(requestId.isString() || requestId.isIntegralNumber())) {
				logger.warn("Ignoring an interrupt without a request_id (" + event.length + " bytes)");
				return;
			}
			JsonNode caller = interrupt.get("caller");
			String identity = (caller != null && caller.isString()) ? caller.stringValue() : null;
			endpoints.all().forEach((endpoint) -> endpoint.cancel(requestId, identity).thenAccept((outcome) -> {
				if (outcome == RequestEndpoint.Cancelled.FORBIDDEN) {
					forbidden();
				}
			}));
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring an interrupt that is not JSON (" + event.length + " bytes)");
		}
	}

	private static void forbidden() {
		long now = System.nanoTime();
		long next = nextForbiddenWarn.get();
		if (now - next >= 0 && nextForbiddenWarn.compareAndSet(next, now + TimeUnit.MINUTES.toNanos(1))) {
			logger.warn("Refused an interrupt (forbidden): the request it names was sent by another identity; "
					+ "told at most once a minute");
		}
	}


}
