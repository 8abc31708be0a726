package dev.agentry.core.stream;

import dev.agentry.core.AgentPhases;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.integration.endpoint.AbstractEndpoint;
import org.springframework.integration.endpoint.IntegrationConsumer;
import org.springframework.integration.zeromq.ZeroMqProxy;

/**
 * Puts spring-integration-zeromq's lifecycle components in the streams step, after the
 * endpoints have drained and before the workers, health socket and context: a
 * {@link ZeroMqProxy}, and the endpoints that carry a ZeroMQ producer or handler.
 */
final class StreamPhases implements BeanPostProcessor {

	private static final String ZEROMQ_PACKAGE = "org.springframework.integration.zeromq";

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof ZeroMqProxy proxy) {
			proxy.setPhase(AgentPhases.STREAMS);
		}
		else if (bean instanceof AbstractEndpoint endpoint && isZeroMq(endpoint)) {
			endpoint.setPhase(AgentPhases.STREAMS);
		}
		return bean;
	}

	private static boolean isZeroMq(AbstractEndpoint endpoint) {
		if (endpoint.getClass().getName().startsWith(ZEROMQ_PACKAGE)) {
			return true;
		}
		return endpoint instanceof IntegrationConsumer consumer
				&& (isZeroMq(consumer.getHandler()) || isZeroMq(consumer.getInputChannel()));
	}

	private static boolean isZeroMq(Object component) {
		return component != null && component.getClass().getName().startsWith(ZEROMQ_PACKAGE);
	}

}
