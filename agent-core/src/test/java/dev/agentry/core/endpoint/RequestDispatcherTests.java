package dev.agentry.core.endpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import dev.agentry.core.AgentJson;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request parser, fuzzed: every generated body (random bytes, mutated valid requests,
 * deep nesting, repeated keys, odd numbers, odd ids, invalid UTF-8) is either parsed into a
 * request that keeps the protocol's promises or refused with its documented error, and
 * nothing escapes as an exception, from {@code parse} or from the socket thread's {@code peek}.
 */
class RequestDispatcherTests {

	private static final ObjectMapper mapper = new AgentJson(JsonMapper.builder().build()).mapper();

	private static final RequestDispatcher dispatcher = new RequestDispatcher("main", actions(), mapper);

	private static final String VALID = "{\"action\":\"echo\",\"id\":\"r-1\",\"text\":\"hé\",\"n\":[1,2.5,{\"k\":null}]}";

	/** Thousands of refusals would each log a WARN line (by design); the tests do not need them. */
	@BeforeContainer
	static void quiet() {
		LoggingSystem.get(RequestDispatcherTests.class.getClassLoader())
			.setLogLevel(RequestDispatcher.class.getName(), LogLevel.ERROR);
	}

	@AfterContainer
	static void loud() {
		LoggingSystem.get(RequestDispatcherTests.class.getClassLoader())
			.setLogLevel(RequestDispatcher.class.getName(), null);
	}

	@Property(tries = 2500)
	void everyBodyIsParsedOrRefusedAsDocumented(@ForAll("bodies") byte[] body) {
		Object parsed = dispatcher.parse(body, System.nanoTime() + 1_000_000_000L);
		if (parsed instanceof ActionRequest request) {
			assertThat(request.action()).isIn("echo", AgentActions.HEALTH_CHECK);
			assertThat(RequestDispatcher.isValidId(request.id())).isTrue();
			assertThat(isStrictUtf8(body)).as("only strict UTF-8 is parsed").isTrue();
			assertThat(finiteNumbers(request.body())).as("every float fits a double").isTrue();
			assertThat(new String(dispatcher.replies().ok(request.id(), request.body()), StandardCharsets.UTF_8))
				.contains("\"status\":\"ok\"");
		}
		else {
			RequestDispatcher.Result refused = (RequestDispatcher.Result) parsed;
			assertThat(refused.outcome()).isIn("bad_request", "unknown_action");
			JsonNode reply = mapper.readTree(refused.reply());
			assertThat(reply.get("status").asString()).isEqualTo("error");
			assertThat(reply.get("error").asString()).isEqualTo(refused.outcome());
			assertThat(reply.get("retryable").asBoolean()).isFalse();
			assertThat(RequestDispatcher.isValidId(reply.get("id"))).as("never echoes a bad id").isTrue();
		}
		RequestDispatcher.Peek peek = dispatcher.peek(body);
		assertThat(RequestDispatcher.isValidId(peek.id())).isTrue();
	}

	@Property(tries = 400)
	void aRepeatedKeyAnywhereIsBadRequest(@ForAll("repeatedKeys") String body) {
		assertThat(outcome(body.getBytes(StandardCharsets.UTF_8))).isEqualTo("bad_request");
	}

	@Property(tries = 400)
	void invalidUtf8AnywhereIsBadRequest(@ForAll("invalidUtf8") byte[] body) {
		assertThat(outcome(body)).isEqualTo("bad_request");
	}

	@Property(tries = 400)
	void aFloatIsKeptOnlyWhenItFitsADouble(@ForAll("floats") String number) {
		Object parsed = dispatcher.parse(("{\"action\":\"echo\",\"x\":" + number + "}").getBytes(StandardCharsets.UTF_8),
				Long.MAX_VALUE);
		java.math.BigDecimal exact = new java.math.BigDecimal(number);
		double value = exact.doubleValue();
		boolean fits = Double.isFinite(value) && (value != 0 || exact.signum() == 0);
		if (fits) {
			assertThat(parsed).isInstanceOf(ActionRequest.class);
			assertThat(((ActionRequest) parsed).body().get("x").doubleValue()).isEqualTo(value);
		}
		else {
			assertThat(((RequestDispatcher.Result) parsed).outcome()).isEqualTo("bad_request");
		}
	}

	@Property(tries = 400)
	void anIdIsAStringOfAtMost256CharactersOrAnIntegerThatFitsALong(@ForAll("ids") String id) {
		byte[] body = ("{\"action\":\"echo\",\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
		Object parsed = dispatcher.parse(body, Long.MAX_VALUE);
		JsonNode node = JsonMapper.builder().build().readTree(id);
		boolean valid = node.isNull() || (node.isString() && node.stringValue().codePointCount(0,
				node.stringValue().length()) <= 256) || (node.isIntegralNumber() && node.canConvertToLong());
		if (valid) {
			assertThat(parsed).isInstanceOf(ActionRequest.class);
			// The socket thread reads the same id once, as an interrupt matches it.
			assertThat(dispatcher.peek(body).key()).isEqualTo(node.isNull() ? null : node.asString());
		}
		else {
			RequestDispatcher.Result refused = (RequestDispatcher.Result) parsed;
			assertThat(refused.outcome()).isEqualTo("bad_request");
			assertThat(mapper.readTree(refused.reply()).get("id").isNull()).as("the bad id is not echoed").isTrue();
		}
	}

	@Example
	void overlongAndSurrogateEncodingsAreBadRequest() {
		for (byte[] bad : List.of(new byte[] { (byte) 0xC0, (byte) 0xAF }, new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
				new byte[] { (byte) 0xE0, (byte) 0x80, (byte) 0xAF })) {
			assertThat(outcome(withString(bad))).isEqualTo("bad_request");
		}
	}

	@Example
	void hugeNumbersNeverBecomeInfinity() {
		RequestDispatcher.Result refused = (RequestDispatcher.Result) dispatcher
			.parse("{\"action\":\"echo\",\"id\":1e999999}".getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE);
		assertThat(new String(refused.reply(), StandardCharsets.UTF_8)).contains("\"id\":null")
			.doesNotContain("Infinity");
	}

	@Example
	void peekReadsTheTopLevelIdAndKnownActionOnly() {
		RequestDispatcher.Peek peek = dispatcher
			.peek("{\"x\":{\"id\":\"inner\"},\"action\":\"echo\",\"id\":42}".getBytes(StandardCharsets.UTF_8));
		assertThat(peek.key()).isEqualTo("42");
		assertThat(peek.action()).isEqualTo("echo");
		assertThat(dispatcher.peek("{\"action\":\"launch\",\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8)).action())
			.isEqualTo(RequestDispatcher.NO_ACTION);
		assertThat(dispatcher.peek(("{\"action\":\"echo\",\"id\":\"" + "a".repeat(300) + "\"}")
			.getBytes(StandardCharsets.UTF_8)).id()).isNull();
	}

	@Provide
	Arbitrary<byte[]> bodies() {
		Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
		Arbitrary<byte[]> mutated = Combinators
			.combine(Arbitraries.integers().between(0, VALID.length() - 1), Arbitraries.bytes(),
					Arbitraries.integers().between(0, 2))
			.as(RequestDispatcherTests::mutate);
		Arbitrary<byte[]> nested = Arbitraries.integers().between(1, 700).map((depth) -> utf8(
				"{\"action\":\"echo\",\"x\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + "}"));
		Arbitrary<byte[]> numbers = floats().map((number) -> utf8("{\"action\":\"echo\",\"x\":[" + number + "]}"));
		Arbitrary<byte[]> ids = ids().map((id) -> utf8("{\"id\":" + id + ",\"action\":\"echo\"}"));
		Arbitrary<byte[]> repeated = repeatedKeys().map(RequestDispatcherTests::utf8);
		return Arbitraries.oneOf(random, mutated, nested, numbers, ids, repeated, invalidUtf8());
	}

	@Provide
	Arbitrary<String> repeatedKeys() {
		Arbitrary<String> key = Arbitraries.of("action", "id", "x", "k", "");
		return Combinators.combine(key, Arbitraries.integers().between(0, 5)).as((name, depth) -> {
			String object = "{\"" + name + "\":1,\"" + name + "\":2}";
			return "{\"action\":\"echo\",\"x\":" + "[".repeat(depth) + object + "]".repeat(depth) + "}";
		});
	}

	@Provide
	Arbitrary<byte[]> invalidUtf8() {
		Arbitrary<byte[]> sequence = Arbitraries.of(new byte[] { (byte) 0xC0, (byte) 0xAF },
				new byte[] { (byte) 0xC1, (byte) 0xBF }, new byte[] { (byte) 0xE0, (byte) 0x80, (byte) 0xAF },
				new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, new byte[] { (byte) 0xED, (byte) 0xBF, (byte) 0xBF },
				new byte[] { (byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF },
				new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, new byte[] { (byte) 0x80 },
				new byte[] { (byte) 0xE2, (byte) 0x82 }, new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xF8, (byte) 0x88,
						(byte) 0x80, (byte) 0x80, (byte) 0x80 });
		return sequence.map(RequestDispatcherTests::withString);
	}

	@Provide
	Arbitrary<String> floats() {
		Arbitrary<String> mantissa = Arbitraries.of("0", "1", "-1", "0.5", "9.99", "123456789.123456789", "0.0");
		Arbitrary<Integer> exponent = Arbitraries.oneOf(Arbitraries.integers().between(-400, 400),
				Arbitraries.integers().between(-9_999_999, 9_999_999));
		return Combinators.combine(mantissa, exponent).as((m, e) -> m + "e" + e);
	}

	@Provide
	Arbitrary<String> ids() {
		return Arbitraries.oneOf(
				Arbitraries.strings().alpha().numeric().ofMaxLength(300).map((text) -> "\"" + text + "\""),
				Arbitraries.strings().withCharRange('\u4e00', '\u4fff').ofMinLength(250).ofMaxLength(260)
					.map((text) -> "\"" + text + "\""),
				Arbitraries.longs().map(String::valueOf),
				Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(18), java.math.BigInteger.TEN.pow(30))
					.map(String::valueOf),
				Arbitraries.of("null", "true", "1.5", "1e999999", "-0.0", "{\"a\":1}", "[1]", "\"\"",
						"9223372036854775807", "-9223372036854775808", "9223372036854775808"));
	}

	private static String outcome(byte[] body) {
		Object parsed = dispatcher.parse(body, Long.MAX_VALUE);
		return (parsed instanceof RequestDispatcher.Result refused) ? refused.outcome() : "parsed";
	}

	/** A valid request with the given bytes inside a string value. */
	private static byte[] withString(byte[] inside) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(utf8("{\"action\":\"echo\",\"x\":\"a"));
		body.writeBytes(inside);
		body.writeBytes(utf8("b\"}"));
		return body.toByteArray();
	}

	/** 0 replaces a byte, 1 inserts one, 2 cuts the body there. */
	private static byte[] mutate(int at, byte value, int how) {
		byte[] valid = utf8(VALID);
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(valid, 0, at);
		if (how == 2) {
			return body.toByteArray();
		}
		body.write(value);
		body.write(valid, (how == 0) ? at + 1 : at, valid.length - ((how == 0) ? at + 1 : at));
		return body.toByteArray();
	}

	private static boolean isStrictUtf8(byte[] body) {
		try {
			StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body));
			return true;
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			return false;
		}
	}

	private static boolean finiteNumbers(JsonNode root) {
		Deque<JsonNode> nodes = new ArrayDeque<>(List.of(root));
		while (!nodes.isEmpty()) {
			JsonNode node = nodes.pop();
			if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
				return false;
			}
			node.values().forEach(nodes::push);
		}
		return true;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static AgentActions actions() {
		AgentActions actions = new AgentActions();
		actions.register("main", "echo", (request) -> request.body());
		return actions;
	}

}
