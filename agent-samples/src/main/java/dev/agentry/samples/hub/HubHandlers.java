package dev.agentry.samples.hub;

import java.util.Map;

import dev.agentry.core.endpoint.AgentAction;

import org.springframework.stereotype.Component;

/**
 * {@code status}: every registered agent's service, instance, state and age of its last answer.
 * Inline: it reads what the health polls left in memory and never blocks.
 */
@Component
class HubHandlers {

	private final PeerHealth peers;

	HubHandlers(PeerHealth peers) {
		this.peers = peers;
	}

	@AgentAction(value = "status", inline = true)
	Map<String, Object> status() {
		return Map.of("agents", this.peers.status());
	}

}
