package dev.agentry.samples.interrupts;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.endpoint.AgentError;
import dev.agentry.core.endpoint.AgentException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** {@code interrupt {request_id}}: published to every worker on the interrupt stream. */
@Component
class InterruptHandlers {

	private final InterruptPublisher publisher;

	private final JsonMapper mapper = JsonMapper.builder().build();

	InterruptHandlers(InterruptPublisher interruptPublisher) {
		this.publisher = interruptPublisher;
	}

	record Interrupt(@JsonProperty("request_id") String requestId) {
	}

	@AgentAction("interrupt")
	Map<String, Object> interrupt(Interrupt interrupt) {
		if (interrupt.requestId() == null || interrupt.requestId().isBlank()) {
			throw new AgentException(AgentError.BAD_REQUEST, "field 'request_id' is required");
		}
		byte[] event = this.mapper.writeValueAsString(Map.of("request_id", interrupt.requestId()))
			.getBytes(StandardCharsets.UTF_8);
		this.publisher.publish(event);
		return Map.of("published", true, "request_id", interrupt.requestId());
	}

}
