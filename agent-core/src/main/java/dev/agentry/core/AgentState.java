package dev.agentry.core;

import java.util.Locale;

/** What an agent is doing, as its health socket reports it. */
public enum AgentState {

	STARTING, READY, DRAINING, STOPPING;

	/** The name on the wire and in logs: {@code starting}, {@code ready}, {@code draining}, {@code stopping}. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
