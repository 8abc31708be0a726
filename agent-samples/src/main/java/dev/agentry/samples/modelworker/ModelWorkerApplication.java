package dev.agentry.samples.modelworker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The model-worker agent: answers {@code infer} after {@code model-worker.latency}. */
@SpringBootApplication
@EnableConfigurationProperties(ModelWorkerProperties.class)
public class ModelWorkerApplication {

}
