package dev.agentry.core.shutdown;

import java.util.List;
import java.util.function.Supplier;

import dev.agentry.core.AgentPhases;

import org.springframework.context.SmartLifecycle;

/**
 * Times step 2. The stream components (spring-integration-zeromq producers, handlers,
 * channels and proxies, the application's own PUB/SUB and PUSH/PULL lifecycles) stop in
 * {@link AgentPhases#STREAMS} under their own code; two markers just above and just below
 * that phase log and record the step as a whole (they are not {@link ShutdownStep}s: the step
 * spans a whole phase of other beans).
 */
public final class StreamsStep {

	private final ShutdownRecorder recorder;

	private final Supplier<List<String>> components;

	private final Runnable awaitEarlierSteps;

	private final Supplier<StepOutcome> outcome;

	private volatile StepRun run;

	/**
	 * @param components the names of the lifecycle beans in the streams phase, looked up when the step begins
	 * @param awaitEarlierSteps blocks until step 1 has ended, up to what is left of step 1's bound
	 * ({@link ShutdownBudget#leftForEndpoints})
	 * @param outcome the worst outcome of the components that report one, read when the step ends
	 */
	public StreamsStep(ShutdownRecorder recorder, Supplier<List<String>> components, Runnable awaitEarlierSteps,
			Supplier<StepOutcome> outcome) {
		this.recorder = recorder;
		this.components = components;
		this.awaitEarlierSteps = awaitEarlierSteps;
		this.outcome = outcome;
	}

	/** Stops just before the streams phase. */
	public SmartLifecycle begin() {
		return new Marker(AgentPhases.STREAMS + 1, this::onBegin);
	}

	/** Stops just after the streams phase. */
	public SmartLifecycle end() {
		return new Marker(AgentPhases.STREAMS - 1, this::onEnd);
	}

	private void onBegin() {
		// Spring counts a phase as done when any bean stopped in it calls back, including a
		// bean of a later phase that it stops early because that bean depends on one of the
		// phase: the drain must not be cut short by that, so the later steps wait for it here.
		this.awaitEarlierSteps.run();
		List<String> found = this.components.get();
		String names = found.isEmpty() ? "none" : String.join(",", found);
		this.run = StepRun.begin(Step.STREAMS, null, names, this.recorder,
				"stopping " + found.size() + " stream component(s)" + (found.isEmpty() ? "" : ": " + names));
	}

	private void onEnd() {
		StepRun begun = this.run;
		if (begun != null) {
			begun.end(this.outcome.get());
		}
	}

	private static final class Marker implements SmartLifecycle {

		private final int phase;

		private final Runnable onStop;

		private volatile boolean running;

		Marker(int phase, Runnable onStop) {
			this.phase = phase;
			this.onStop = onStop;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			if (this.running) {
				this.running = false;
				this.onStop.run();
			}
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return this.phase;
		}

	}

}
