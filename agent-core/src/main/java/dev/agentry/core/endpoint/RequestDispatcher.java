package dev.agentry.core.endpoint;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one request's bytes into one reply's bytes on a handler thread: parses and checks
 * the request, runs its handler and maps every failure to its protocol error. It never
 * throws and never logs a payload.
 */
final class RequestDispatcher {

	/** The {@code action} tag of requests that have no known action. */
	static final String NO_ACTION = "none";

	/** The {@code action} tag of requests whose action has no handler. */
	static final String UNKNOWN_ACTION = "unknown";

	private static final Log logger = LogFactory.getLog(RequestDispatcher.class);

	private final String endpoint;

	private final AgentActions actions;

	private final ObjectMapper mapper;

	private final Replies replies;

	RequestDispatcher(String endpoint, AgentActions actions, ObjectMapper mapper) {
		this.endpoint = endpoint;
		this.actions = actions;
		this.mapper = mapper;
		this.replies = new Replies(mapper);
	}

	Replies replies() {
		return this.replies;
	}

	/** What a handler thread hands back to the socket thread. */
	record Result(byte[] reply, String action, String outcome) {
	}

	/** Parses the request; returns the reply for a request that can go no further, or the parsed request. */
	Object parse(byte[] body, long deadlineNanos) {
		if (!looksLikeUtf8(body)) {
			return refuse(null, NO_ACTION, AgentError.BAD_REQUEST, "the request is not valid UTF-8 JSON", body.length);
		}
		JsonNode request;
		try {
			request = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			return refuse(null, NO_ACTION, AgentError.BAD_REQUEST, "the request is not valid UTF-8 JSON", body.length);
		}
		if (request == null || !request.isObject()) {
			return refuse(null, NO_ACTION, AgentError.BAD_REQUEST, "the request must be a JSON object", body.length);
		}
		JsonNode id = request.get("id");
		JsonNode action = request.get("action");
		if (action == null || !action.isString() || action.stringValue().isEmpty()) {
			return refuse(id, NO_ACTION, AgentError.BAD_REQUEST, "field 'action' is missing or not a string",
					body.length);
		}
		String name = action.stringValue();
		if (!AgentActions.HEALTH_CHECK.equals(name) && this.actions.find(this.endpoint, name) == null) {
			return refuse(id, UNKNOWN_ACTION, AgentError.UNKNOWN_ACTION, "no handler for action '" + clip(name) + "'",
					"no handler for the action (" + name.length() + " characters)", body.length);
		}
		return new ActionRequest(this.endpoint, name, (ObjectNode) request, this.mapper, deadlineNanos);
	}

	Result dispatch(ActionRequest request) {
		ActionHandler handler = this.actions.find(this.endpoint, request.action());
		try {
			Object result = handler.handle(request);
			return new Result(this.replies.ok(request.id(), result), request.action(), "ok");
		}
		catch (AgentException ex) {
			if (ex.error() == AgentError.BAD_REQUEST || ex.error() == AgentError.UNKNOWN_ACTION) {
				return refuse(request.id(), request.action(), ex.error(), ex.getMessage(), -1);
			}
			return new Result(this.replies.error(request.id(), ex.error(), ex.getMessage()), request.action(),
					ex.error().code());
		}
		catch (Exception | LinkageError | AssertionError ex) {
			if (ex instanceof InterruptedException) {
				// Nothing here interrupts handlers; if the application did, the flag stays set.
				Thread.currentThread().interrupt();
			}
			logger.warn("Endpoint '" + this.endpoint + "': the handler of '" + request.action() + "' failed; answered '"
					+ AgentError.INTERNAL.code() + "'", ex);
			return new Result(this.replies.error(request.id(), AgentError.INTERNAL, "the agent failed to handle the request"),
					request.action(), AgentError.INTERNAL.code());
		}
	}

	private Result refuse(JsonNode id, String action, AgentError error, String message, int size) {
		return refuse(id, action, error, message, message, size);
	}

	/** The reply may quote the client's own words back; the log line never does. */
	private Result refuse(JsonNode id, String action, AgentError error, String message, String logged, int size) {
		logger.warn("Endpoint '" + this.endpoint + "' refused a request with '" + error.code() + "': " + logged
				+ ((size >= 0) ? " (" + size + " bytes)" : ""));
		return new Result(this.replies.error(id, error, message), action, error.code());
	}

	/**
	 * Jackson would accept UTF-16 and UTF-32 too, detected from the bytes; the protocol is
	 * UTF-8, in which a JSON text never has a zero byte among its first two.
	 */
	private static boolean looksLikeUtf8(byte[] body) {
		return !(body.length >= 2 && (body[0] == 0 || body[1] == 0))
				&& !(body.length >= 2 && ((body[0] & 0xFF) == 0xFE || (body[0] & 0xFF) == 0xFF));
	}

	static String clip(String text) {
		String printable = text.replaceAll("\\p{Cntrl}", "?");
		return (printable.length() > 64) ? printable.substring(0, 64) + "..." : printable;
	}

}
