package dev.agentry.core.shutdown;

import java.util.Locale;

/**
 * The numbered steps of the stop order, as logs ({@code Shutdown step 3 (workers)}), the
 * {@code step} tag of {@code agent_shutdown_phase_seconds} and the report name them.
 */
public enum Step {

	DELAY(0), ENDPOINTS(1), STREAMS(2), WORKERS(3), HEALTH(4), CONTEXT(5), REPORT(7);

	private final int number;

	Step(int number) {
		this.number = number;
	}

	/** The name in the report and the metric's {@code step} tag. */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** {@code Shutdown step 3 (workers)}: the prefix of every log line of the step. */
	public String prefix() {
		return "Shutdown step " + this.number + " (" + tag() + ")";
	}

}
