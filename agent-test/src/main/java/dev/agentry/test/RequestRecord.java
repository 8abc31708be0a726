package dev.agentry.test;

import tools.jackson.databind.JsonNode;

/**
 * One request the load sent: when (relative to the signal), and how it was answered.
 *
 * @param id the request's {@code id}
 * @param sentNanos {@link System#nanoTime()} at send
 * @param answeredNanos at the reply, or -1 when none came
 * @param outcome {@code ok}, the error code of an error reply, or {@code silent}
 */
record RequestRecord(String id, long sentNanos, long answeredNanos, String outcome) {

	static final String SILENT = "silent";

	/** {@code ok}, or the error reply's code. */
	static String outcomeOf(JsonNode reply) {
		return "ok".equals(reply.path("status").asString("")) ? "ok" : reply.path("error").asString("error");
	}

	boolean answered() {
		return this.answeredNanos >= 0;
	}

	/** In flight when the signal came: sent before it, answered (if ever) after it. */
	boolean inflightAt(long signalNanos) {
		return this.sentNanos - signalNanos < 0 && (!answered() || this.answeredNanos - signalNanos >= 0);
	}

	boolean sentAfter(long signalNanos) {
		return this.sentNanos - signalNanos >= 0;
	}

}
