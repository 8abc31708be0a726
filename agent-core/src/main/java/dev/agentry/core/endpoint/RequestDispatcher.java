package dev.agentry.core.endpoint;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;

import java.io.CharArrayReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.DoubleNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Turns one request's bytes into one reply's bytes on a handler thread: parses and checks
 * the request, runs its handler and maps every failure to its protocol error. It never
 * throws and never logs a payload. Strict about what a request is (DESIGN.md, {@code bad_request}):
 * UTF-8 as the JDK's decoder takes it (no overlong forms, no encoded surrogates), no repeated
 * keys, floats that fit a double, and an {@code id} that is a string of at most
 * {@value #MAX_ID_LENGTH} characters or an integer that fits a long. Jackson's default
 * nesting and length constraints stay in force.
 */
final class RequestDispatcher {

	/** The {@code action} tag of requests that have no known action. */
	static final String NO_ACTION = "none";

	/** The {@code action} tag of requests whose action has no handler. */
	static final String UNKNOWN_ACTION = "unknown";

	/** The longest string {@code id} (in characters, as Python counts them); longer ones are refused. */
	static final int MAX_ID_LENGTH = 256;

	private static final String BAD_ID = "field 'id' must be a string of at most " + MAX_ID_LENGTH
			+ " characters or an integer";

	private static final Log logger = LogFactory.getLog(RequestDispatcher.class);

	/**
	 * Reads the top level's id and action on the socket thread. Strings longer than an id may
	 * be stop the read as soon as they pass that length, so that a peer's 900 KB id costs a
	 * few hundred characters here, not megabytes (skipped values are never decoded).
	 */
	private static final ObjectReader PEEK_READER = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxStringLength(2 * MAX_ID_LENGTH).build())
			.build())
		.build()
		.reader();

	private final String endpoint;

	private final EndpointActions actions;

	private final ObjectMapper mapper;

	/** Reads requests: the application's mapper, made strict about repeated keys and exact about floats. */
	private final ObjectReader reader;

	private final Replies replies;

	RequestDispatcher(EndpointActions actions, ObjectMapper mapper) {
		this.endpoint = actions.endpoint();
		this.actions = actions;
		this.mapper = mapper;
		this.reader = mapper.reader()
			// A repeated key is a bad request, not "the last one wins" (and not two views of one id).
			.with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			// Exact first, so that a float that does not fit a double can be refused (floatsFit).
			.with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
		this.replies = new Replies(mapper);
	}

	Replies replies() {
		return this.replies;
	}

	/** What a handler thread hands back to the socket thread. */
	record Result(byte[] reply, String action, String outcome) {
	}

	/** Parses the request into one to run, or the reply for a request that can go no further. */
	Parsed parse(byte[] body, long deadlineNanos, String peer) {
		CharBuffer text = strictUtf8(body);
		if (text == null) {
			return refused(null, NO_ACTION, AgentError.BAD_REQUEST, "the request is not valid UTF-8 JSON", body.length);
		}
		JsonNode request;
		try {
			// From characters: Jackson then neither guesses UTF-16/32 nor decodes bytes its own, laxer way.
			request = this.reader.readTree(new CharArrayReader(text.array(), text.arrayOffset() + text.position(),
					text.remaining()));
		}
		catch (JacksonException ex) {
			return refused(null, NO_ACTION, AgentError.BAD_REQUEST, "the request is not valid UTF-8 JSON", body.length);
		}
		if (request == null || !request.isObject()) {
			return refused(null, NO_ACTION, AgentError.BAD_REQUEST, "the request must be a JSON object", body.length);
		}
		JsonNode id = request.get("id");
		if (!isValidId(id)) {
			// Never echoed: a bad id is what a peer that never reads would pile up in our replies.
			return refused(null, knownAction(request), AgentError.BAD_REQUEST, BAD_ID, body.length);
		}
		if (!floatsFit(request)) {
			return refused(id, knownAction(request), AgentError.BAD_REQUEST,
					"a number in the request does not fit a double", body.length);
		}
		JsonNode action = request.get("action");
		if (action == null || !action.isString() || action.stringValue().isEmpty()) {
			return refused(id, NO_ACTION, AgentError.BAD_REQUEST, "field 'action' is missing or not a string",
					body.length);
		}
		String name = action.stringValue();
		if (this.actions.find(name) == null) {
			return refused(id, UNKNOWN_ACTION, AgentError.UNKNOWN_ACTION, "no handler for action '" + clip(name) + "'",
					"no handler for the action (" + name.length() + " characters)", body.length);
		}
		return new Parsed.Valid(new ActionRequest(this.endpoint, name, (ObjectNode) request, this.mapper, deadlineNanos, peer));
	}

	/**
	 * What the socket thread needs of a request before, or in place of, its handler: its id and
	 * action, read once when the request arrives by a streaming scan of the top level that
	 * stops as soon as it has both. It does not validate the rest; the handler's
	 * {@link #parse} does. An id that {@link #parse} would refuse is flagged
	 * ({@link Peek#badId()}), so that the socket thread refuses it at once.
	 */
	Peek peek(byte[] body) {
		try (JsonParser parser = PEEK_READER.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return Peek.NONE;
			}
			JsonNode id = null;
			boolean idSeen = false;
			String action = null;
			while ((!idSeen || action == null) && parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("id".equals(name) && !idSeen) {
					idSeen = true;
					id = peekId(parser, value);
					if (id == BAD_ID_NODE) {
						// Refused at once, before the body is taken in flight or parsed in full.
						// Tagged with the action when it came first and names a handler, as parse() does.
						return new Peek(null, known(action), true);
					}
				}
				else if ("action".equals(name) && action == null && value == JsonToken.VALUE_STRING) {
					action = parser.getString();
				}
				else {
					parser.skipChildren();
				}
			}
			return new Peek(id, known(action), false);
		}
		catch (JacksonException ex) {
			return Peek.NONE;
		}
	}

	/**
	 * Whom a request in flight is for ({@link ActionRequest#caller()}) when it has not been
	 * parsed yet: a streaming scan of the top level for {@code on_behalf_of}, run only when an
	 * interrupt names the request's id.
	 */
	String caller(byte[] body, String peer) {
		try (JsonParser parser = PEEK_READER.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return peer;
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (ActionRequest.ON_BEHALF_OF.equals(name) && value == JsonToken.VALUE_STRING) {
					String forwarded = parser.getString();
					return (!forwarded.isEmpty() && forwarded.length() <= ActionRequest.MAX_IDENTITY_LENGTH) ? forwarded
							: peer;
				}
				parser.skipChildren();
			}
			return peer;
		}
		catch (JacksonException ex) {
			return peer;
		}
	}

	/** What {@link #peekId} returns for an id that {@link #parse} would refuse. */
	private static final JsonNode BAD_ID_NODE = MissingNode.getInstance();

	private static JsonNode peekId(JsonParser parser, JsonToken value) {
		switch (value) {
			case VALUE_NULL:
				return null;
			case VALUE_STRING:
				try {
					String id = parser.getString();
					return idFits(id) ? StringNode.valueOf(id) : BAD_ID_NODE;
				}
				catch (StreamConstraintsException ex) {
					return BAD_ID_NODE;
				}
			case VALUE_NUMBER_INT:
				return (parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER)
						? LongNode.valueOf(parser.getLongValue()) : BAD_ID_NODE;
			default:
				return BAD_ID_NODE;
		}
	}

	/** The reply to a request whose id {@link #peek} found bad, which never reaches a handler. */
	Result refuseBadId(Peek peek, int size) {
		return refuse(null, peek.action(), AgentError.BAD_REQUEST, BAD_ID, size);
	}

	/** The action's name when it has a handler here; unknown names stay out of metric tags. */
	private String known(String action) {
		return (action != null && this.actions.find(action) != null) ? action : NO_ACTION;
	}

	/** A request's id and known action, as {@link #peek} reads them. */
	record Peek(JsonNode id, String action, boolean badId) {

		static final Peek NONE = new Peek(null, NO_ACTION, false);

		static Peek of(ActionRequest request) {
			JsonNode id = request.id();
			return new Peek((id != null && !id.isNull()) ? id : null, request.action(), false);
		}

		/** The id as JSON text: the string "7" and the number 7 are two ids, as they are two replies. */
		String key() {
			return keyOf(this.id);
		}

		static String keyOf(JsonNode id) {
			return (id != null && !id.isNull()) ? id.toString() : null;
		}

	}

	/**
	 * The metrics tag of a request refused before its action was checked: the action when it
	 * names a handler (so that dashboards see which action's callers send bad input), else
	 * {@link #NO_ACTION}, which keeps the tag space closed to clients.
	 */
	private String knownAction(JsonNode request) {
		JsonNode action = request.get("action");
		return known((action != null && action.isString()) ? action.stringValue() : null);
	}

	/** Absent, {@code null}, a string of at most {@value #MAX_ID_LENGTH} characters, or an integer that fits a long. */
	static boolean isValidId(JsonNode id) {
		if (id == null || id.isNull()) {
			return true;
		}
		if (id.isString()) {
			return idFits(id.stringValue());
		}
		return id.isIntegralNumber() && id.canConvertToLong();
	}

	private static boolean idFits(String id) {
		return id.length() <= 2 * MAX_ID_LENGTH && id.codePointCount(0, id.length()) <= MAX_ID_LENGTH;
	}

	/**
	 * The JDK's decoder, which (unlike Jackson's byte parser) refuses overlong forms such as
	 * {@code C0 AF} for "/" and encoded surrogates (CESU-8), as RFC 3629 requires.
	 */
	private static CharBuffer strictUtf8(byte[] body) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body));
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	/**
	 * Floats are read as BigDecimal; each must fit a double, so that {@code 1e999999} is
	 * refused instead of becoming {@code Infinity} (and {@code 1e-999999} instead of 0). Those
	 * that fit become doubles again, as handlers have always seen them. Integers stay exact
	 * (Jackson limits them to 1000 digits); binding one to an int or a long that it does not
	 * fit is a {@code bad_request} of its own.
	 */
	private static boolean floatsFit(JsonNode request) {
		// A loop rather than recursion: nesting is as deep as Jackson allows (500).
		Deque<JsonNode> containers = new ArrayDeque<>();
		containers.push(request);
		while (!containers.isEmpty()) {
			JsonNode container = containers.pop();
			if (container instanceof ObjectNode object) {
				for (Map.Entry<String, JsonNode> field : object.properties()) {
					JsonNode value = field.getValue();
					if (value.isBigDecimal()) {
						JsonNode fitting = asDouble(value.decimalValue());
						if (fitting == null) {
							return false;
						}
						field.setValue(fitting);
					}
					else if (value.isContainer()) {
						containers.push(value);
					}
				}
			}
			else if (container instanceof ArrayNode array) {
				for (int i = 0; i < array.size(); i++) {
					JsonNode value = array.get(i);
					if (value.isBigDecimal()) {
						JsonNode fitting = asDouble(value.decimalValue());
						if (fitting == null) {
							return false;
						}
						array.set(i, fitting);
					}
					else if (value.isContainer()) {
						containers.push(value);
					}
				}
			}
		}
		return true;
	}

	private static JsonNode asDouble(BigDecimal exact) {
		double value = exact.doubleValue();
		boolean fits = Double.isFinite(value) && (value != 0 || exact.signum() == 0);
		return fits ? DoubleNode.valueOf(value) : null;
	}

	/** Runs the request's action, whichever it is, and maps every failure to its protocol error. */
	Result dispatch(ActionRequest request) {
		EndpointActions.Action action = this.actions.find(request.action());
		try {
			return new Result(action.answer(request, this.replies), request.action(), "ok");
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

	private Parsed refused(JsonNode id, String action, AgentError error, String message, int size) {
		return new Parsed.Refused(refuse(id, action, error, message, message, size));
	}

	private Parsed refused(JsonNode id, String action, AgentError error, String message, String logged, int size) {
		return new Parsed.Refused(refuse(id, action, error, message, logged, size));
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

	static String clip(String text) {
		String printable = text.replaceAll("\\p{Cntrl}", "?");
		return (printable.length() > 64) ? printable.substring(0, 64) + "..." : printable;
	}

}
