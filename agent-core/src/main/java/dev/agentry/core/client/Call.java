package dev.agentry.core.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.ErrorReply;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One call on its way: the request, the endpoints it may try in order, and where it is now.
 * Created by any caller's thread, then used only by the client's loop.
 */
final class Call {

	private final ObjectNode request;

	private final byte[] body;

	private final List<String> targets;

	private final Duration attemptTimeout;

	/** {@code null} for a call made on the caller's own sockets, which returns its reply instead. */
	private final CompletableFuture<JsonNode> reply;

	private int attempt;

	private long deadline;

	/** The connection the current attempt went on: only its socket may answer it. */
	private Link sentOn;

	Call(ObjectNode request, byte[] body, List<String> targets, Duration attemptTimeout,
			CompletableFuture<JsonNode> reply) {
		if (targets.isEmpty()) {
			throw new IllegalArgumentException("A call needs an endpoint");
		}
		this.request = request;
		this.body = body;
		this.targets = List.copyOf(targets);
		this.attemptTimeout = attemptTimeout;
		this.reply = reply;
	}

	ObjectNode request() {
		return this.request;
	}

	byte[] body() {
		return this.body;
	}

	Duration attemptTimeout() {
		return this.attemptTimeout;
	}

	/** The endpoint of the current attempt. */
	String target() {
		return this.targets.get(this.attempt);
	}

	/** Every endpoint the call may still go to, the current one first. */
	List<String> remainingTargets() {
		return this.targets.subList(this.attempt, this.targets.size());
	}

	boolean hasNext() {
		return this.attempt + 1 < this.targets.size();
	}

	/** Moves on to the next endpoint; the new attempt starts when it is sent. */
	void moveOn() {
		if (!hasNext()) {
			throw new IllegalStateException("No endpoint left after " + target());
		}
		this.attempt++;
		this.sentOn = null;
	}

	long deadline() {
		return this.deadline;
	}

	void startAttempt(long deadline) {
		this.deadline = deadline;
	}

	Link sentOn() {
		return this.sentOn;
	}

	void sentOn(Link link) {
		this.sentOn = link;
	}

	/** The peer's reply; an {@code internal} error reply when it is not a JSON object. */
	JsonNode parseReply(ObjectMapper mapper, byte[] body) {
		JsonNode reply;
		try {
			reply = mapper.readTree(body);
		}
		catch (JacksonException ex) {
			reply = null;
		}
		if (reply == null || !reply.isObject()) {
			return errorReply(mapper, AgentError.INTERNAL, "the reply of " + target() + " was not a JSON object");
		}
		return reply;
	}

	/** An error reply to this call, written here (a timeout, no connection, ...). */
	JsonNode errorReply(ObjectMapper mapper, AgentError error, String message) {
		return ErrorReply.of(mapper, this.request.get("id"), error, message);
	}

	/**
	 * Completes the call off the socket thread: the caller's continuations must never run on
	 * (and block) the thread that owns the sockets.
	 */
	void answer(JsonNode answer) {
		this.reply.completeAsync(() -> answer);
	}

}
