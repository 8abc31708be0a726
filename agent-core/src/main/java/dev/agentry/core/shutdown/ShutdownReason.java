package dev.agentry.core.shutdown;

import java.util.Locale;

/** Why the agent stopped, as the report records it. */
public enum ShutdownReason {

	/** SIGTERM or SIGINT, through the JVM shutdown hook that Spring Boot registers. */
	SIGNAL,

	/** The application closed its context itself. */
	APPLICATION,

	/** The context closed before the agent was ever ready. */
	STARTUP_FAILURE;

	public String wireName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
