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

	/** Per endpoint, the actions whose handlers run on the socket thread ({@link AgentAction#inline()}). */
	private final Map<String, Set<String>> inline = new ConcurrentHashMap<>();

	/** A handler that runs on the endpoint's handler pool. */
	public void register(String endpoint, String action, ActionHandler handler) {
		register(endpoint, action, handler, false);
	}

	/**
	 * A handler, on the endpoint's socket thread when {@code inline} (for handlers that never
	 * block: see {@link AgentAction#inline()}), else on its handler pool.
	 */
	public void register(String endpoint, String action, ActionHandler handler, boolean inline) {
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
		if (inline) {
			this.inline.computeIfAbsent(endpoint, (key) -> ConcurrentHashMap.newKeySet()).add(action);
		}
	}

	public boolean isInline(String endpoint, String action) {
		return this.inline.getOrDefault(endpoint, Set.of()).contains(action);
	}

	/** Whether any action of the endpoint runs inline: only then does its socket thread parse requests. */
	public boolean hasInline(String endpoint) {
		return !this.inline.getOrDefault(endpoint, Set.of()).isEmpty();
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
