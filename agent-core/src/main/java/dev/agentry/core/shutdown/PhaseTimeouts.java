package dev.agentry.core.shutdown;

import java.time.Duration;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * Gives each of the agent's phases its own timeout on Spring's lifecycle processor. Spring
 * waits 10 s per phase by default, less than a 20 s drain, and a phase that runs out is
 * abandoned with its work half done; agent-core's components bound their own steps, so the
 * phase timeouts are only a backstop just above those bounds.
 */
final class PhaseTimeouts implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(PhaseTimeouts.class);

	private final Map<Integer, Duration> timeouts;

	public PhaseTimeouts(Map<Integer, Duration> timeouts) {
		this.timeouts = Map.copyOf(timeouts);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DefaultLifecycleProcessor processor) {
			this.timeouts.forEach((phase, timeout) -> processor.setTimeoutForShutdownPhase(phase, timeout.toMillis()));
			logger.debug("Shutdown phase timeouts set: " + this.timeouts);
		}
		return bean;
	}

}
