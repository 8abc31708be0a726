package dev.agentry.core.autoconfigure;

import dev.agentry.core.AgentProperties;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.client.ClientConfiguration;
import dev.agentry.core.endpoint.EndpointConfiguration;
import dev.agentry.core.health.HealthConfiguration;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.metrics.MetricsConfiguration;
import dev.agentry.core.registry.RegistryConfiguration;
import dev.agentry.core.shutdown.AgentReadyListener;
import dev.agentry.core.shutdown.ReportFiles;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownConfiguration;
import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.stream.StreamConfiguration;
import dev.agentry.core.trust.TrustConfiguration;
import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.worker.WorkerConfiguration;
import dev.agentry.core.zmq.ZmqConfiguration;
import org.zeromq.ZContext;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of an agent: a facade over each package's own configuration (the ZMQ
 * context and sockets, request endpoints, health socket, workers, streams, agent clients,
 * registry, the phase-ordered shutdown, its metrics and its report), as Spring Boot's own
 * auto-configurations import theirs. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, MetricsAutoConfiguration.class,
		CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass(ZContext.class)
@EnableConfigurationProperties(AgentProperties.class)
@Import({ MetricsConfiguration.class, ShutdownConfiguration.class, TrustConfiguration.class, ZmqConfiguration.class,
		HealthConfiguration.class, EndpointConfiguration.class, StreamConfiguration.class, WorkerConfiguration.class,
		ClientConfiguration.class, RegistryConfiguration.class })
public final class AgentAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AgentStatus agentStatus(AgentProperties properties, Environment environment) {
		return new AgentStatus(agentName(properties, environment));
	}

	@Bean
	@ConditionalOnMissingBean
	AgentJson agentJson(ObjectProvider<JsonMapper> jsonMapper) {
		return new AgentJson(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	AgentReadyListener agentReadyListener(AgentStatus status, ShutdownBudget budget, ReportFiles files,
			AgentMetrics metrics, ObjectProvider<ManagedStream> streams, ObjectProvider<AgentClients> clients) {
		// Counted once the agent is ready, when every stream and client bean exists; here,
		// because only the facade sees both the streams and the clients.
		return new AgentReadyListener(status, () -> budget.withParts((int) streams.stream().count(),
				clients.stream().mapToInt(AgentClients::count).sum()), files, metrics);
	}

	static String agentName(AgentProperties properties, Environment environment) {
		if (properties.name() != null && !properties.name().isBlank()) {
			return properties.name();
		}
		return environment.getProperty("spring.application.name", "agent");
	}

}
