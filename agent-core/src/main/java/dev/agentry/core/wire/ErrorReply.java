package dev.agentry.core.wire;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The protocol's error reply, in one place for the endpoints that send it and the clients
 * that write one in a silent peer's place:
 * {@code {"status":"error","id":...,"error":"<code>","message":"...","retryable":<bool>}}.
 */
public final class ErrorReply {

	private ErrorReply() {
	}

	public static ObjectNode of(ObjectMapper mapper, JsonNode id, AgentError error, String message) {
		ObjectNode reply = mapper.createObjectNode();
		reply.put("status", "error");
		reply.set("id", id);
		reply.put("error", error.code());
		reply.put("message", message);
		reply.put("retryable", error.retryable());
		return reply;
	}

}
