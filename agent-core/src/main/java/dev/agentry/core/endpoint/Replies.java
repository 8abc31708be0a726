package dev.agentry.core.endpoint;

import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** Builds the protocol's replies: {@code {"status":"ok","id":...}} and {@code {"status":"error",...}}. */
final class Replies {

	/** Bodies larger than this are not parsed on the socket thread just for an id. */
	static final int PEEK_LIMIT = 64 * 1024;

	private final ObjectMapper mapper;

	Replies(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	byte[] ok(JsonNode id, Object result) {
		ObjectNode reply = this.mapper.createObjectNode();
		reply.put("status", "ok");
		reply.set("id", id);
		if (result != null) {
			JsonNode fields = (result instanceof JsonNode node) ? node : this.mapper.valueToTree(result);
			if (fields.isObject()) {
				for (Map.Entry<String, JsonNode> field : fields.properties()) {
					if (!"status".equals(field.getKey()) && !"id".equals(field.getKey())) {
						reply.set(field.getKey(), field.getValue());
					}
				}
			}
			else if (!fields.isNull()) {
				reply.set("result", fields);
			}
		}
		return this.mapper.writeValueAsBytes(reply);
	}

	byte[] error(JsonNode id, AgentError error, String message) {
		return this.mapper.writeValueAsBytes(ErrorReply.of(this.mapper, id, error, message));
	}

	/**
	 * The parts of a request that a reply written in a handler's place needs: its id, and its
	 * action when that has a handler (unknown names stay out of metric tags).
	 */
	Peek peek(byte[] body, AgentActions actions, String endpoint) {
		if (body.length > PEEK_LIMIT) {
			// Not worth a full parse on the socket thread: the reply goes without id.
			return Peek.NONE;
		}
		try {
			JsonNode request = this.mapper.readTree(body);
			if (request == null || !request.isObject()) {
				return Peek.NONE;
			}
			JsonNode action = request.get("action");
			String known = (action != null && action.isString()
					&& (actions.find(endpoint, action.stringValue()) != null
							|| AgentActions.HEALTH_CHECK.equals(action.stringValue())))
									? action.stringValue() : RequestDispatcher.NO_ACTION;
			return new Peek(request.get("id"), known, AgentActions.HEALTH_CHECK.equals(known));
		}
		catch (JacksonException ex) {
			return Peek.NONE;
		}
	}

	record Peek(JsonNode id, String action, boolean healthCheck) {

		static final Peek NONE = new Peek(null, RequestDispatcher.NO_ACTION, false);

	}

}
