package dev.agentry.core.health;

import dev.agentry.core.AgentAvailability;
import dev.agentry.core.AgentProperties;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.zmq.ZmqSockets;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The health socket (step 4) and its answer. Imported by {@code AgentAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
public final class HealthConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HealthReplies agentHealthReplies(AgentStatus status, AgentJson json) {
		return new HealthReplies(status, json.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnExpression("!'${agent.health.bind:tcp://*:5556}'.trim().equalsIgnoreCase('none')")
	HealthSocket agentHealthSocket(AgentProperties properties, ZmqSockets sockets, AgentStatus status,
			HealthReplies replies, ShutdownRecorder recorder, ApplicationEventPublisher events) {
		return new HealthSocket(properties.health().bind(), sockets, status, replies, recorder,
				AgentAvailability.brokenOnCrash(events));
	}

}
