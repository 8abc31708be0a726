package dev.agentry.core.endpoint;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/**
 * The actions of one endpoint as it runs them: the application's handlers ({@link AgentActions})
 * and the built-in {@code health_check}, in one table, so that parsing, metric tags, the
 * choice of thread and the load limits treat every action alike and read its attributes.
 */
final class EndpointActions {

	/** One action as the endpoint runs it. */
	interface Action {

		/** The reply's bytes; throws as an {@link ActionHandler} does. */
		byte[] answer(ActionRequest request, Replies replies) throws Exception;

		/** Runs on the socket thread ({@link AgentAction#inline()}). */
		default boolean inline() {
			return false;
		}

		/**
		 * Answered even while the endpoint refuses requests (draining, over its limits): a
		 * probe must tell the truth about an endpoint that is shedding load.
		 */
		default boolean answeredWhenBusy() {
			return false;
		}

	}

	private final String endpoint;

	private final AgentActions application;

	private final Map<String, Action> builtIn;

	/** @param healthReply the health socket's answer, with the request's id echoed */
	EndpointActions(String endpoint, AgentActions application, Function<JsonNode, byte[]> healthReply) {
		this.endpoint = endpoint;
		this.application = application;
		this.builtIn = Map.of(AgentActions.HEALTH_CHECK, new HealthCheck(healthReply));
	}

	String endpoint() {
		return this.endpoint;
	}

	/** The action of that name, or {@code null} when the endpoint has none. */
	Action find(String name) {
		Action action = this.builtIn.get(name);
		if (action != null) {
			return action;
		}
		ActionHandler handler = this.application.find(this.endpoint, name);
		if (handler == null) {
			return null;
		}
		boolean inline = this.application.isInline(this.endpoint, name);
		return new Action() {

			@Override
			public byte[] answer(ActionRequest request, Replies replies) throws Exception {
				return replies.ok(request.id(), handler.handle(request));
			}

			@Override
			public boolean inline() {
				return inline;
			}

		};
	}

	boolean isInline(String name) {
		Action action = find(name);
		return action != null && action.inline();
	}

	/**
	 * Whether the application runs any action inline: then the socket thread must parse every
	 * request in full to know whether it is one.
	 */
	boolean applicationRunsInline() {
		return this.application.hasInline(this.endpoint);
	}

	/** The application's actions, as the start-up log names them. */
	Set<String> applicationActions() {
		return this.application.actions(this.endpoint);
	}

	/** Answers like the health socket, on the socket thread, even when the endpoint is busy. */
	private record HealthCheck(Function<JsonNode, byte[]> healthReply) implements Action {

		@Override
		public byte[] answer(ActionRequest request, Replies replies) {
			return this.healthReply.apply(request.id());
		}

		@Override
		public boolean inline() {
			return true;
		}

		@Override
		public boolean answeredWhenBusy() {
			return true;
		}

	}

}
