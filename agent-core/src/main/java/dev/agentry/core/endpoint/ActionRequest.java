package dev.agentry.core.endpoint;

import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.node.ObjectNode;

/** A request as a handler sees it: its action, id, JSON body, deadline and cancellation. */
public final class ActionRequest {

	private final String endpoint;

	private final String action;

	private final ObjectNode body;

	private final ObjectMapper mapper;

	private final long deadlineNanos;

	private volatile boolean cancelled;

	ActionRequest(String endpoint, String action, ObjectNode body, ObjectMapper mapper, long deadlineNanos) {
		this.endpoint = endpoint;
		this.action = action;
		this.body = body;
		this.mapper = mapper;
		this.deadlineNanos = deadlineNanos;
	}

	public String endpoint() {
		return this.endpoint;
	}

	public String action() {
		return this.action;
	}

	/** The request's {@code id} as the client sent it, or {@code null}. */
	public JsonNode id() {
		return this.body.get("id");
	}

	/** The whole request object, {@code action} and {@code id} included. */
	public ObjectNode body() {
		return this.body;
	}

	/**
	 * Binds the request's fields to a type; unknown fields are ignored.
	 * @throws AgentException {@code bad_request} naming the field with the wrong type
	 */
	public <T> T bind(Class<T> type) {
		try {
			return this.mapper.treeToValue(this.body, type);
		}
		catch (MismatchedInputException ex) {
			throw new AgentException(AgentError.BAD_REQUEST, "field " + fieldOf(ex) + " is missing or has the wrong type");
		}
		catch (JacksonException ex) {
			throw new AgentException(AgentError.BAD_REQUEST, "the request's fields do not match the action");
		}
	}

	/** Time left until the endpoint answers {@code timeout} in this handler's place. */
	public Duration remaining() {
		return Duration.ofNanos(Math.max(0, this.deadlineNanos - System.nanoTime()));
	}

	/** Whether the request was cancelled or timed out; a handler doing long work should check it. */
	public boolean isCancelled() {
		return this.cancelled || System.nanoTime() - this.deadlineNanos >= 0;
	}

	void cancel() {
		this.cancelled = true;
	}

	private static String fieldOf(MismatchedInputException ex) {
		StringBuilder path = new StringBuilder();
		for (var reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		String name = path.isEmpty() ? "?" : path.toString();
		return "'" + ((name.length() > 64) ? name.substring(0, 64) + "..." : name) + "'";
	}

}
