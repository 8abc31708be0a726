package dev.agentry.core.health;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.agentry.core.AgentStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The health answer, shared by the health socket and every endpoint's {@code health_check}:
 * {@code {"status":"ok","agent","instance","state","uptime_seconds","inflight"}}.
 */
public final class HealthReplies implements Supplier<byte[]>, Function<JsonNode, byte[]> {

	private final AgentStatus status;

	private final ObjectMapper mapper;

	public HealthReplies(AgentStatus status, ObjectMapper mapper) {
		this.status = status;
		this.mapper = mapper;
	}

	@Override
	public byte[] get() {
		return reply(null);
	}

	/**
	 * The health answer to a request that carried an {@code id}: echoed, as every reply of the
	 * protocol does, so that a client correlating by id can match it.
	 */
	public byte[] reply(JsonNode id) {
		ObjectNode reply = this.mapper.createObjectNode();
		reply.put("status", "ok");
		if (id != null && !id.isNull()) {
			reply.set("id", id);
		}
		reply.put("agent", this.status.name());
		reply.put("instance", this.status.instance());
		reply.put("state", this.status.state().wireName());
		reply.put("uptime_seconds", Math.round(this.status.uptime().toMillis() / 100.0) / 10.0);
		reply.put("inflight", this.status.inflight());
		return this.mapper.writeValueAsBytes(reply);
	}

	@Override
	public byte[] apply(JsonNode id) {
		return reply(id);
	}

}
