package dev.agentry.samples.coordinator;

import dev.agentry.core.client.AgentClient;
import dev.agentry.core.endpoint.ActionRequest;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * {@code infer}: forwarded to a live model-worker, spread across them; a worker that answers
 * {@code unavailable} (it is draining) or times out is replaced by the next one, so a
 * worker's drain never reaches the client as an error.
 */
@Component
class CoordinatorHandlers {

	private final AgentClient workers;

	private final CoordinatorProperties properties;

	CoordinatorHandlers(AgentClient workers, CoordinatorProperties properties) {
		this.workers = workers;
		this.properties = properties;
	}

	@AgentAction("infer")
	JsonNode infer(ActionRequest request) {
		JsonNode text = request.body().get("text");
		if (text == null || !text.isString()) {
			throw new AgentException(AgentError.BAD_REQUEST, "field 'text' is required");
		}
		ObjectNode forwarded = request.body().deepCopy();
		// The worker lets only the coordinator's caller interrupt the request, not the coordinator.
		String caller = request.caller();
		if (caller != null) {
			forwarded.put(ActionRequest.ON_BEHALF_OF, caller);
		}
		else {
			forwarded.remove(ActionRequest.ON_BEHALF_OF);
		}
		JsonNode reply = this.workers.call(forwarded, this.properties.workerTimeout());
		if (!"ok".equals(reply.path("status").asString(""))) {
			AgentError error = AgentError.fromCode(reply.path("error").asString(""));
			throw new AgentException((error != null) ? error : AgentError.INTERNAL,
					reply.path("message").asString("the worker failed"));
		}
		ObjectNode answer = ((ObjectNode) reply).deepCopy();
		answer.set("worker", reply.get("instance"));
		return answer;
	}

}
