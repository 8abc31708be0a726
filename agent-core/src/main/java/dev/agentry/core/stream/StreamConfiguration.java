package dev.agentry.core.stream;

import java.util.ArrayList;
import java.util.List;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StreamsStep;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Step 2: the stream components' phase and the step's markers. Imported by {@code AgentAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
public final class StreamConfiguration {

	@Bean
	@ConditionalOnClass(name = "org.springframework.integration.zeromq.ZeroMqProxy")
	static StreamPhases agentStreamPhases() {
		return new StreamPhases();
	}

	@Bean
	@ConditionalOnMissingBean
	StreamsStep agentStreamsStep(ShutdownRecorder recorder, ConfigurableListableBeanFactory beans,
			ObjectProvider<RequestEndpoints> endpoints, ObjectProvider<ManagedStream> streams, ShutdownBudget budget) {
		// Against step 1's own deadline, so that this wait never adds a second drain to the budget.
		return new StreamsStep(recorder, () -> streamComponents(beans),
				() -> endpoints.ifAvailable((all) -> all.awaitStopped(budget.leftForEndpoints(recorder.elapsed()))),
				() -> streams.stream().map(ManagedStream::outcome).reduce(StepOutcome.GRACEFUL, StepOutcome::worst));
	}

	@Bean
	SmartLifecycle agentStreamsStepBegin(StreamsStep step) {
		return step.begin();
	}

	@Bean
	SmartLifecycle agentStreamsStepEnd(StreamsStep step) {
		return step.end();
	}

	private static List<String> streamComponents(ConfigurableListableBeanFactory beans) {
		List<String> names = new ArrayList<>();
		beans.getBeansOfType(SmartLifecycle.class, false, false).forEach((name, lifecycle) -> {
			if (lifecycle.getPhase() == AgentPhases.STREAMS) {
				names.add(name);
			}
		});
		return names;
	}

}
