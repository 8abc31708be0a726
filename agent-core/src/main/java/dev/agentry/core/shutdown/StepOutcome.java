package dev.agentry.core.shutdown;

import java.util.Locale;

/** How a shutdown step, or the whole shutdown, ended. */
public enum StepOutcome {

	/** Everything finished inside its limit. */
	GRACEFUL,

	/** Something had to be forced or abandoned when the limit ran out. */
	TIMEOUT,

	/** Something failed. */
	ERROR;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The worse of two outcomes: error over timeout over graceful. */
	public StepOutcome worst(StepOutcome other) {
		return (other.ordinal() > ordinal()) ? other : this;
	}

}
