package dev.agentry.core.health;

import java.util.function.Supplier;

import dev.agentry.core.AgentStatus;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The health answer, shared by the health socket and every endpoint's {@code health_check}:
 * {@code {"status":"ok","agent","instance","state","uptime_seconds","inflight"}}.
 */
public final class HealthReplies implements Supplier<byte[]> {

	private final AgentStatus status;

	private final ObjectMapper mapper;

	public HealthReplies(AgentStatus status, ObjectMapper mapper) {
		this.status = status;
		this.mapper = mapper;
	}

	@Override
	public byte[] get() {
		ObjectNode reply = this.mapper.createObjectNode();
		reply.put("status", "ok");
		reply.put("agent", this.status.name());
		reply.put("instance", this.status.instance());
		reply.put("state", this.status.state().wireName());
		reply.put("uptime_seconds", Math.round(this.status.uptime().toMillis() / 100.0) / 10.0);
		reply.put("inflight", this.status.inflight());
		return this.mapper.writeValueAsBytes(reply);
	}

}
