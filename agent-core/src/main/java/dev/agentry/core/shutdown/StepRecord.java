package dev.agentry.core.shutdown;

import java.time.Duration;

/**
 * One step of a shutdown as the report shows it; {@code drained}, {@code forced} and
 * {@code rejected} are {@code null} where the step has no requests.
 */
public record StepRecord(String step, String component, Duration duration, StepOutcome outcome, Integer drained,
		Integer forced, Integer rejected) {

	public double seconds() {
		return this.duration.toNanos() / 1e9;
	}

}
