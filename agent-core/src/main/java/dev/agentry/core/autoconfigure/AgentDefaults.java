package dev.agentry.core.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Spring defaults that an agent needs, at the lowest precedence so that the application
 * can override each: graceful web shutdown, a phase timeout above the drain, Actuator's
 * probes, and web exposure of health, info and prometheus only.
 */
public final class AgentDefaults implements EnvironmentPostProcessor, Ordered {

	static final String SOURCE_NAME = "agentDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Duration drain = DurationStyle.detectAndParse(environment.getProperty("agent.shutdown.drain-timeout", "10s"));
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("server.shutdown", "graceful");
		defaults.put("spring.lifecycle.timeout-per-shutdown-phase", drain.plusSeconds(10).toMillis() + "ms");
		defaults.put("management.endpoint.health.probes.enabled", "true");
		defaults.put("management.health.livenessstate.enabled", "true");
		defaults.put("management.health.readinessstate.enabled", "true");
		defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus");
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
	}

	@Override
	public int getOrder() {
		// After the config data, so that the drain timeout set in application properties is seen.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
