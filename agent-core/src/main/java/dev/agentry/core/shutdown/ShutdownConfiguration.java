package dev.agentry.core.shutdown;

import java.nio.file.Path;

import dev.agentry.core.AgentProperties;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.wire.AgentJson;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The shutdown's coordination: step 0, the budget and the phase timeouts, the recorder, and
 * step 7's report. Imported by {@code AgentAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public final class ShutdownConfiguration {

	@Bean
	static PhaseTimeouts agentPhaseTimeouts(Environment environment) {
		// Before any bean exists: from the settings, the number of streams and clients unknown
		// yet. Spring waits on a phase only for the asynchronous stops (the endpoints').
		return ShutdownBudget.of(Binder.get(environment).bindOrCreate("agent", AgentProperties.class), environment)
			.phaseTimeouts();
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownRecorder agentShutdownRecorder(AgentMetrics metrics) {
		return new ShutdownRecorder(metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownBudget agentShutdownBudget(AgentProperties properties, Environment environment) {
		return ShutdownBudget.of(properties, environment);
	}

	@Bean
	@ConditionalOnMissingBean
	DrainCoordinator agentDrainCoordinator(ApplicationContext context, AgentStatus status, ShutdownRecorder recorder,
			ObjectProvider<DrainListener> listeners, AgentProperties properties) {
		return new DrainCoordinator(context, status, recorder, listeners.orderedStream().toList(),
				properties.shutdown().delay());
	}

	@Bean
	@ConditionalOnMissingBean
	ReportFiles agentReportFiles(AgentProperties properties, AgentStatus status, AgentJson json) {
		String configured = properties.shutdown().reportFile();
		Path file = (configured != null && !configured.isBlank()) ? Path.of(configured)
				: Path.of(System.getProperty("java.io.tmpdir"), "agentry", status.name(), "last-shutdown.json");
		return new ReportFiles(file, json.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownReportWriter agentShutdownReportWriter(AgentStatus status, ShutdownRecorder recorder, ReportFiles files,
			ObjectProvider<MeterRegistry> registries, AgentJson json) {
		return new ShutdownReportWriter(status, recorder, files, registries.orderedStream().toList(), json.mapper());
	}

}
