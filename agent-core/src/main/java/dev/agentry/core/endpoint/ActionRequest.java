package dev.agentry.core.endpoint;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;

import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.node.ObjectNode;

/** A request as a handler sees it: its action, id, JSON body, caller, deadline and cancellation. */
public final class ActionRequest {

	/**
	 * The request field by which an agent that calls others for its own caller (a coordinator)
	 * forwards that caller's identity, so that only the caller may interrupt the forwarded
	 * request. It gives no other right: whoever names an identity there only lets that
	 * identity interrupt its own request.
	 */
	public static final String ON_BEHALF_OF = "on_behalf_of";

	/** The longest identity accepted in {@link #ON_BEHALF_OF}: a Z85 key is 40, a routing id's at most 511. */
	static final int MAX_IDENTITY_LENGTH = 512;

	private final String endpoint;

	private final String action;

	private final ObjectNode body;

	private final ObjectMapper mapper;

	private final long deadlineNanos;

	private final String peer;

	private volatile boolean cancelled;

	ActionRequest(String endpoint, String action, ObjectNode body, ObjectMapper mapper, long deadlineNanos,
			String peer) {
		this.endpoint = endpoint;
		this.action = action;
		this.body = body;
		this.mapper = mapper;
		this.deadlineNanos = deadlineNanos;
		this.peer = peer;
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

	/**
	 * The peer that sent the request, as its connection proves it: with CURVE, its public key
	 * (Z85), which ZAP authenticated; without, the routing id it chose ({@code id:<hex>}), or
	 * {@code null} for an anonymous peer. What ownership (of a registry entry, say) rests on.
	 */
	public String peer() {
		return this.peer;
	}

	/**
	 * Whom the request is for: the identity an intermediary forwarded in {@link #ON_BEHALF_OF},
	 * else {@link #peer()}. Interrupts are checked against it; an agent that calls others for
	 * this request forwards it.
	 */
	public String caller() {
		return forwardedCaller(this.body, this.peer);
	}

	static String forwardedCaller(JsonNode body, String peer) {
		JsonNode forwarded = body.get(ON_BEHALF_OF);
		if (forwarded != null && forwarded.isString() && !forwarded.stringValue().isEmpty()
				&& forwarded.stringValue().length() <= MAX_IDENTITY_LENGTH) {
			return forwarded.stringValue();
		}
		return peer;
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
