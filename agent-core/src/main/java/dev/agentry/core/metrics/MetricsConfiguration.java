package dev.agentry.core.metrics;

import dev.agentry.core.AgentStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The agent's meters. Imported by {@code AgentAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
public final class MetricsConfiguration {

	@Bean
	@ConditionalOnClass(MeterRegistry.class)
	static KeepMeterRegistriesOpen agentKeepMeterRegistriesOpen() {
		return new KeepMeterRegistriesOpen();
	}

	@Bean
	@ConditionalOnMissingBean
	AgentMetrics agentMetrics(ObjectProvider<MeterRegistry> registry, AgentStatus status) {
		return new AgentMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), status.name());
	}

}
