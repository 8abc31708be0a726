package dev.agentry.core.client;

import dev.agentry.core.AgentAvailability;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.zmq.ZmqSockets;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The factory of the agent's clients, which close before the context. Imported by {@code AgentAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
public final class ClientConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AgentClients agentClients(ZmqSockets sockets, AgentJson json, ShutdownRecorder recorder, AgentMetrics metrics,
			ApplicationEventPublisher events) {
		return new AgentClients(sockets, json.mapper(), recorder, metrics, AgentAvailability.brokenOnCrash(events));
	}

}
