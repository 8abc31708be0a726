package dev.agentry.core.endpoint;

/** The error codes of the wire protocol, with whether a client may retry them elsewhere. */
public enum AgentError {

	/** Not UTF-8 JSON, not an object, no {@code action}, wrong field types. */
	BAD_REQUEST("bad_request", false),

	/** No handler for the action. */
	UNKNOWN_ACTION("unknown_action", false),

	/** Draining, or more than {@code agent.endpoint.max-inflight} requests in flight. */
	UNAVAILABLE("unavailable", true),

	/** The handler ran past its deadline. */
	TIMEOUT("timeout", true),

	/** An interrupt cancelled the request. */
	CANCELLED("cancelled", false),

	/** The handler threw; the reply names no internals. */
	INTERNAL("internal", false);

	private final String code;

	private final boolean retryable;

	AgentError(String code, boolean retryable) {
		this.code = code;
		this.retryable = retryable;
	}

	public String code() {
		return this.code;
	}

	public boolean retryable() {
		return this.retryable;
	}

	/** The error with the given wire code, or {@code null}. */
	public static AgentError fromCode(String code) {
		for (AgentError error : values()) {
			if (error.code.equals(code)) {
				return error;
			}
		}
		return null;
	}

}
