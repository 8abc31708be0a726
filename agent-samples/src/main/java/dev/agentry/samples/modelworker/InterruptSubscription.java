package dev.agentry.samples.modelworker;

import dev.agentry.core.autoconfigure.RequestEndpoints;
import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.zmq.ZmqContextLifecycle;
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

	/**
	 * The endpoints are looked up when an interrupt arrives, not injected: a lifecycle bean that
	 * depends on the endpoints is stopped by Spring before them, and the subscription must
	 * keep cancelling requests while they drain.
	 */
	@Bean
	ManagedStream interruptSubscriber(ZmqContextLifecycle zmq, ModelWorkerProperties properties,
			ObjectProvider<RequestEndpoints> endpoints, BeanFactory beanFactory) {
		DirectChannel interrupts = new DirectChannel();
		interrupts.subscribe((message) -> cancel((byte[]) message.getPayload(), endpoints.getObject()));
		ZeroMqMessageProducer subscriber = new ZeroMqMessageProducer(zmq.context(), SocketType.SUB);
		subscriber.setConnectUrl(properties.interruptEndpoint());
		// A subscriber has nothing worth flushing at close; a gone publisher must not hold step 5.
		subscriber.setSocketConfigurer((socket) -> socket.setLinger(0));
		subscriber.setTopics("interrupt");
		subscriber.setMessageMapper((payload, headers) -> MessageBuilder.withPayload(payload).copyHeaders(headers).build());
		subscriber.setOutputChannel(interrupts);
		subscriber.setBeanFactory(beanFactory);
		subscriber.afterPropertiesSet();
		return ManagedStream.of("interrupt-subscriber",
				new StartOnceResolved<>("interrupt-subscriber", properties.interruptEndpoint(), subscriber));
	}

	private static void cancel(byte[] event, RequestEndpoints endpoints) {
		try {
			JsonNode interrupt = mapper.readTree(event);
			String requestId = interrupt.path("request_id").asString(null);
			if (requestId == null) {
				logger.warn("Ignoring an interrupt without request_id (" + event.length + " bytes)");
				return;
			}
			endpoints.all().forEach((endpoint) -> endpoint.cancel(requestId));
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring an interrupt that is not JSON (" + event.length + " bytes)");
		}
	}


}
