package dev.agentry.core.worker;

import dev.agentry.core.AgentProperties;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The agent's workers (step 3). Imported by {@code AgentAutoConfiguration}. */
@Configuration(proxyBeanMethods = false)
public final class WorkerConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WorkerManager agentWorkerManager(ObjectProvider<AgentWorker> workers, AgentProperties properties,
			AgentMetrics metrics, ShutdownRecorder recorder) {
		return new WorkerManager(workers.orderedStream().toList(), properties.shutdown().workerJoinTimeout(), metrics,
				recorder);
	}

}
