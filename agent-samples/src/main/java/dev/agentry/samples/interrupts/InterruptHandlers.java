package dev.agentry.samples.interrupts;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentry.core.endpoint.ActionRequest;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * {@code interrupt {request_id}}: published to every worker on the interrupt stream with the
 * identity of the peer that asked ({@link ActionRequest#peer()}: its CURVE key, or the
 * routing id it chose). A worker cancels a request only for the identity that sent it. The
 * peer's own identity is published, never an {@code on_behalf_of} it names: that field lets a
 * caller hand its cancellation right to someone, never take someone else's.
 */
@Component
class InterruptHandlers {

	/** As a request id: a string of at most 256 characters, or an integer (DESIGN, bad_request). */
	private static final int MAX_ID_LENGTH = 256;

	private final InterruptPublisher publisher;

	private final JsonMapper mapper = JsonMapper.builder().build();

	InterruptHandlers(InterruptPublisher interruptPublisher) {
		this.publisher = interruptPublisher;
	}

	@AgentAction("interrupt")
	Map<String, Object> interrupt(ActionRequest request) {
		JsonNode requestId = request.body().get("request_id");
		if (!isId(requestId)) {
			throw new AgentException(AgentError.BAD_REQUEST,
					"field 'request_id' must be a string of 1 to " + MAX_ID_LENGTH + " characters or an integer");
		}
		ObjectNode event = this.mapper.createObjectNode();
		event.set("request_id", requestId);
		event.put("caller", request.peer());
		this.publisher.publish(this.mapper.writeValueAsString(event).getBytes(StandardCharsets.UTF_8));
		Map<String, Object> reply = new LinkedHashMap<>();
		reply.put("published", true);
		reply.put("request_id", requestId);
		return reply;
	}

	private static boolean isId(JsonNode id) {
		if (id == null) {
			return false;
		}
		if (id.isString()) {
			String text = id.stringValue();
			return !text.isBlank() && text.codePointCount(0, text.length()) <= MAX_ID_LENGTH;
		}
		return id.isIntegralNumber() && id.canConvertToLong();
	}

}
