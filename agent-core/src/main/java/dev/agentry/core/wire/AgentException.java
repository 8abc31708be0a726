package dev.agentry.core.wire;

/**
 * Thrown by a handler to answer with a protocol error; its message is sent to the client, so
 * it must be written for people and must not carry internals.
 */
public class AgentException extends RuntimeException {

	private final AgentError error;

	public AgentException(AgentError error, String message) {
		super(message);
		this.error = error;
	}

	public AgentError error() {
		return this.error;
	}

}
