package dev.agentry.core.shutdown;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The shutdown's timers, with the names and tags that dashboards depend on. They live here,
 * next to {@link StepOutcome}, so that the metrics package needs nothing of the shutdown's.
 */
final class ShutdownMetrics {

	private final MeterRegistry registry;

	private final String agent;

	ShutdownMetrics(MeterRegistry registry, String agent) {
		this.registry = registry;
		this.agent = agent;
	}

	/** {@code agent_shutdown_phase_seconds{step, component, outcome}}. */
	void step(String step, String component, StepOutcome outcome, Duration duration) {
		Timer.builder("agent.shutdown.phase")
			.description("Duration of one step of the agent's shutdown")
			.tags("agent", this.agent, "step", step, "component", component, "outcome", outcome.wireName())
			.register(this.registry)
			.record(duration);
	}

	/** {@code agent_shutdown_seconds{outcome}}. */
	void shutdown(StepOutcome outcome, Duration duration) {
		Timer.builder("agent.shutdown")
			.description("Duration of the agent's whole shutdown, from the close signal to the report")
			.tags("agent", this.agent, "outcome", outcome.wireName())
			.register(this.registry)
			.record(duration);
	}

}
