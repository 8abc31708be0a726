package dev.agentry.core.zmq;

import dev.agentry.core.AgentAvailability;
import dev.agentry.core.AgentProperties;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.trust.AgentTrust;
import dev.agentry.core.trust.CurveTrust;
import dev.agentry.core.trust.ZapHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ZMQ context (step 5) and the one factory of the agent's sockets. Imported by {@code AgentAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
public final class ZmqConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ZmqContextLifecycle agentZmqContext(AgentProperties properties, ShutdownRecorder recorder,
			ApplicationEventPublisher events) {
		return new ZmqContextLifecycle(properties.zmq().linger(), recorder, AgentAvailability.brokenOnCrash(events));
	}

	/**
	 * Every socket of the agent comes from here: agent-core's settings, then the application's
	 * {@link ZmqSocketCustomizer} beans in their {@code @Order}.
	 */
	@Bean
	@ConditionalOnMissingBean
	ZmqSockets agentZmqSockets(ZmqContextLifecycle context, AgentProperties properties, AgentMetrics metrics,
			CurveTrust trust, ObjectProvider<ZmqSocketCustomizer> customizers, ApplicationEventPublisher events) {
		AgentProperties.Zmq zmq = properties.zmq();
		ZapHandler.Denials denials = new AuthDenials(metrics);
		AgentTrust.startZapHandler(context, trust, denials, AgentAvailability.brokenOnCrash(events));
		return new ZmqSockets(context.context(), zmq.linger(), zmq.maxMessageSize().toBytes(), zmq.handshakeTimeout(),
				new PeerRefusals(metrics, zmq.maxMessageSize().toBytes()), trust.curve(), denials,
				customizers.orderedStream().toList());
	}

}
