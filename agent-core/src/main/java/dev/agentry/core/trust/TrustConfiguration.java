package dev.agentry.core.trust;

import dev.agentry.core.AgentProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The agent's CURVE identity and authorized keys. Imported by {@code AgentAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
public final class TrustConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CurveTrust agentCurveTrust(AgentProperties properties) {
		return AgentTrust.of(properties.zmq().curve());
	}

}
