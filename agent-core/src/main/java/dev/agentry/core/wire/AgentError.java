package dev.agentry.core.wire;

/** The error codes of the wire protocol, with whether a client may retry them elsewhere. */
public enum AgentError {

	/**
	 * Not strict UTF-8 JSON (overlong and surrogate encodings included), not an object, a
	 * repeated key, a float that does not fit a double, no {@code action}, wrong field types,
	 * an {@code id} that is not a string of at most 256 characters or an integer.
	 */
	BAD_REQUEST("bad_request", false),

	/** No handler for the action. */
	UNKNOWN_ACTION("unknown_action", false),

	/** Draining, or more than {@code agent.endpoint.max-inflight} requests or {@code max-inflight-bytes} bytes in flight. */
	UNAVAILABLE("unavailable", true),

	/** The handler ran past its deadline. */
	TIMEOUT("timeout", true),

	/** An interrupt cancelled the request. */
	CANCELLED("cancelled", false),

	/** The handler threw (the reply names no internals), or its reply was over {@code agent.zmq.max-message-size}. */
	INTERNAL("internal", false),

	/**
	 * The caller's identity may not do this: register, heartbeat or deregister an instance
	 * it does not own or a service its certificate does not grant, interrupt a request that
	 * another identity sent.
	 */
	FORBIDDEN("forbidden", false);

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
