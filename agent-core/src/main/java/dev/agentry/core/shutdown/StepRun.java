package dev.agentry.core.shutdown;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One run of a step, or of a part of one: logs its start, records what it did and logs its
 * duration. The one place of the {@code Shutdown step N (name)} lines and of the
 * {@link ShutdownRecorder#record} calls, shared by {@link ShutdownStep} and the steps that
 * are not lifecycles (step 0 on the close event, step 2's markers).
 */
final class StepRun {

	private static final Log logger = LogFactory.getLog(StepRun.class);

	private final Step step;

	private final String part;

	private final String component;

	private final ShutdownRecorder recorder;

	private final long startNanos = System.nanoTime();

	private volatile boolean partsRecorded;

	private StepRun(Step step, String part, String component, ShutdownRecorder recorder) {
		this.step = step;
		this.part = part;
		this.component = component;
		this.recorder = recorder;
	}

	/**
	 * @param part the part of the step this run is (a stream of step 2), or {@code null} for the whole step
	 * @param component the report's component of the whole run, or {@code null} when only its parts are recorded
	 * @param what what the step does, for the start line
	 */
	static StepRun begin(Step step, String part, String component, ShutdownRecorder recorder, String what) {
		logger.info(step.prefix() + ": " + ((part != null) ? "'" + part + "' " : "") + what);
		return new StepRun(step, part, component, recorder);
	}

	String step() {
		return this.step.tag();
	}

	Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	/** Records one part of the step (a worker, a client); then the whole is not recorded again. */
	void part(StepRecord record) {
		this.partsRecorded = true;
		this.recorder.record(record);
	}

	void end(StepOutcome outcome) {
		Duration took = elapsed();
		if (this.component != null && !this.partsRecorded) {
			this.recorder.record(this.step.tag(), this.component, took, outcome);
		}
		if (this.part != null) {
			logger.info(this.step.prefix() + ": '" + this.part + "' closed in " + took.toMillis() + " ms ("
					+ outcome.wireName() + ")");
		}
		else {
			logger.info(this.step.prefix() + " done in " + took.toMillis() + " ms (" + outcome.wireName() + ")");
		}
	}

}
