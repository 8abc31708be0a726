package dev.agentry.core.endpoint;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handlers of every endpoint, by endpoint name and action. Filled while the context
 * starts ({@link AgentActionRegistrar} for {@link AgentAction} methods, or {@link #register}
 * for functional handlers), read by the handler threads.
 */
public final class AgentActions {

	/** Answered by every endpoint itself, like the health socket. */
	public static final String HEALTH_CHECK = "health_check";

	private final Map<String, Map<String, ActionHandler>> handlers = new ConcurrentHashMap<>();

	public void register(String endpoint, String action, ActionHandler handler) {
		if (action == null || action.isBlank()) {
			throw new IllegalArgumentException("An action needs a name");
		}
		if (HEALTH_CHECK.equals(action)) {
			throw new IllegalArgumentException("'" + HEALTH_CHECK + "' is answered by every endpoint itself");
		}
		ActionHandler previous = this.handlers.computeIfAbsent(endpoint, (key) -> new ConcurrentHashMap<>())
			.putIfAbsent(action, handler);
		if (previous != null) {
			throw new IllegalStateException("Action '" + action + "' of endpoint '" + endpoint + "' has two handlers");
		}
	}

	public ActionHandler find(String endpoint, String action) {
		Map<String, ActionHandler> actions = this.handlers.get(endpoint);
		return (actions != null) ? actions.get(action) : null;
	}

	public Set<String> actions(String endpoint) {
		return new TreeSet<>(this.handlers.getOrDefault(endpoint, Map.of()).keySet());
	}

	public Set<String> endpoints() {
		return new TreeSet<>(this.handlers.keySet());
	}

}
