package dev.agentry.core.endpoint;

import java.util.ArrayList;
import java.util.List;

import dev.agentry.core.AgentAvailability;
import dev.agentry.core.AgentProperties;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.health.HealthReplies;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.zmq.ZmqSockets;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * The request endpoints (step 1), the actions they serve and their liveness probe. Imported
 * by {@code AgentAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public final class EndpointConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AgentActions agentActions() {
		return new AgentActions();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AgentActionRegistrar agentActionRegistrar(ObjectProvider<AgentActions> actions) {
		return new AgentActionRegistrar(actions.getObject());
	}

	@Bean
	@ConditionalOnMissingBean
	RequestEndpoints agentRequestEndpoints(AgentProperties properties, ZmqSockets sockets, AgentActions actions,
			AgentJson json, AgentMetrics metrics, ShutdownRecorder recorder, ShutdownBudget budget, HealthReplies health,
			AgentStatus status, ApplicationEventPublisher events) {
		List<RequestEndpoint> endpoints = new ArrayList<>();
		if (properties.endpoint().enabled()) {
			endpoints.add(endpoint(RequestEndpoint.MAIN, properties.endpoint(), sockets, actions, json, metrics, health,
					events));
		}
		properties.endpoints().forEach((name, endpoint) -> {
			if (endpoint.enabled()) {
				endpoints.add(endpoint(name, endpoint, sockets, actions, json, metrics, health, events));
			}
		});
		RequestEndpoints all = new RequestEndpoints(endpoints, actions, budget, recorder);
		status.inflightSource(all::inflight);
		return all;
	}

	private static RequestEndpoint endpoint(String name, AgentProperties.Endpoint endpoint, ZmqSockets sockets,
			AgentActions actions, AgentJson json, AgentMetrics metrics, HealthReplies health,
			ApplicationEventPublisher events) {
		return new RequestEndpoint(new RequestEndpoint.Settings(name, endpoint.bind(), endpoint.threads(),
				endpoint.maxInflight(), endpoint.maxInflightBytes().toBytes(), endpoint.requestTimeout()), sockets,
				actions, json.mapper(), metrics, health, AgentAvailability.brokenOnCrash(events));
	}

	@Bean
	@ConditionalOnMissingBean
	EndpointLivenessProbe agentEndpointLivenessProbe(RequestEndpoints endpoints, ZmqSockets sockets,
			AgentProperties properties, ApplicationEventPublisher events) {
		AgentProperties.Liveness liveness = properties.liveness();
		List<EndpointLivenessProbe.Target> targets = endpoints.all()
			.stream()
			.map((endpoint) -> new EndpointLivenessProbe.Target(endpoint.name(), endpoint::boundEndpoint))
			.toList();
		return new EndpointLivenessProbe(targets, sockets, new EndpointLivenessProbe.Settings(liveness.probeInterval(),
				liveness.probeTimeout(), liveness.probeFailures()), AgentAvailability.brokenOnCrash(events));
	}

}
