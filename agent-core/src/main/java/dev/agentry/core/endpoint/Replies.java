package dev.agentry.core.endpoint;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.ErrorReply;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** Builds the protocol's replies: {@code {"status":"ok","id":...}} and {@code {"status":"error",...}}. */
final class Replies {

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

}
