package dev.agentry.core.metrics;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;

/**
 * Spring Boot closes the meter registries on {@code ContextClosedEvent}, before any
 * lifecycle bean stops, and a closed registry ignores new meters: the shutdown's own
 * timings would be lost. agent-core removes that early close and closes the registries
 * itself once the shutdown report is written (step 7).
 */
final class KeepMeterRegistriesOpen implements BeanDefinitionRegistryPostProcessor {

	/** The bean of Spring Boot's {@code MetricsAutoConfiguration} that closes the registries early. */
	static final String BOOT_CLOSER = "meterRegistryCloser";

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (registry.containsBeanDefinition(BOOT_CLOSER)) {
			registry.removeBeanDefinition(BOOT_CLOSER);
		}
	}

}
