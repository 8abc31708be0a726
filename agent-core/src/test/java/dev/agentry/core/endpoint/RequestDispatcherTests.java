package dev.agentry.core.endpoint;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import dev.agentry.core.wire.AgentJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

	private static final RequestDispatcher dispatcher = new RequestDispatcher(new EndpointActions("main", actions(), (id) -> new byte[0]), mapper);

	private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	/** Overlong, surrogate, out of range, lone continuation, cut short, never valid. */
	private static final byte[][] INVALID_UTF8 = { { (byte) 0xC0, (byte) 0xAF }, { (byte) 0xC1, (byte) 0xBF },
			{ (byte) 0xE0, (byte) 0x80, (byte) 0xAF }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
			{ (byte) 0xED, (byte) 0xBF, (byte) 0xBF }, { (byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF },
			{ (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, { (byte) 0x80 }, { (byte) 0xE2, (byte) 0x82 },
			{ (byte) 0xFF }, { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 } };

	private static final String VALID = "{\"action\":\"echo\",\"id\":\"r-1\",\"text\":\"hé\",\"n\":[1,2.5,{\"k\":null}]}";

	/** Thousands of refusals would each log a WARN line (by design); the tests do not need them. */
	@BeforeAll
	static void quiet() {
		LoggingSystem.get(RequestDispatcherTests.class.getClassLoader())
			.setLogLevel(RequestDispatcher.class.getName(), LogLevel.ERROR);
	}

	@AfterAll
	static void loud() {
		LoggingSystem.get(RequestDispatcherTests.class.getClassLoader())
			.setLogLevel(RequestDispatcher.class.getName(), null);
	}

	@Test
	void everyBodyIsParsedOrRefusedAsDocumented() {
		Fuzz.check(0x13_0001L, 2500, RequestDispatcherTests::body, (body) -> body,
				RequestDispatcherTests::isParsedOrRefusedAsDocumented);
	}

	private static void isParsedOrRefusedAsDocumented(byte[] body) {
		Parsed parsed = dispatcher.parse(body, System.nanoTime() + 1_000_000_000L, null);
		if (parsed instanceof Parsed.Valid valid) {
			ActionRequest request = valid.request();
			assertThat(request.action()).isIn("echo", AgentActions.HEALTH_CHECK);
			assertThat(RequestDispatcher.isValidId(request.id())).isTrue();
			assertThat(isStrictUtf8(body)).as("only strict UTF-8 is parsed").isTrue();
			assertThat(finiteNumbers(request.body())).as("every float fits a double").isTrue();
			assertThat(new String(dispatcher.replies().ok(request.id(), request.body()), StandardCharsets.UTF_8))
				.contains("\"status\":\"ok\"");
		}
		else {
			RequestDispatcher.Result refused = ((Parsed.Refused) parsed).refusal();
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

	@Test
	void aRepeatedKeyAnywhereIsBadRequest() {
		Fuzz.check(0x13_0002L, 400, RequestDispatcherTests::repeatedKeys, RequestDispatcherTests::utf8,
				(body) -> assertThat(outcome(utf8(body))).isEqualTo("bad_request"));
	}

	@Test
	void invalidUtf8AnywhereIsBadRequest() {
		Fuzz.check(0x13_0003L, 400, RequestDispatcherTests::invalidUtf8, (body) -> body,
				(body) -> assertThat(outcome(body)).isEqualTo("bad_request"));
	}

	@Test
	void aFloatIsKeptOnlyWhenItFitsADouble() {
		Fuzz.check(0x13_0004L, 400, RequestDispatcherTests::floats, RequestDispatcherTests::utf8,
				RequestDispatcherTests::isKeptOnlyWhenItFitsADouble);
	}

	private static void isKeptOnlyWhenItFitsADouble(String number) {
		Parsed parsed = dispatcher.parse(("{\"action\":\"echo\",\"x\":" + number + "}").getBytes(StandardCharsets.UTF_8),
				Long.MAX_VALUE, null);
		java.math.BigDecimal exact = new java.math.BigDecimal(number);
		double value = exact.doubleValue();
		boolean fits = Double.isFinite(value) && (value != 0 || exact.signum() == 0);
		if (fits) {
			assertThat(parsed).isInstanceOf(Parsed.Valid.class);
			assertThat(((Parsed.Valid) parsed).request().body().get("x").doubleValue()).isEqualTo(value);
		}
		else {
			assertThat(((Parsed.Refused) parsed).refusal().outcome()).isEqualTo("bad_request");
		}
	}

	@Test
	void anIdIsAStringOfAtMost256CharactersOrAnIntegerThatFitsALong() {
		Fuzz.check(0x13_0005L, 400, RequestDispatcherTests::ids, RequestDispatcherTests::utf8,
				RequestDispatcherTests::isAValidIdOrRefused);
	}

	private static void isAValidIdOrRefused(String id) {
		byte[] body = ("{\"action\":\"echo\",\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
		Parsed parsed = dispatcher.parse(body, Long.MAX_VALUE, null);
		JsonNode node = JsonMapper.builder().build().readTree(id);
		boolean valid = node.isNull() || (node.isString() && node.stringValue().codePointCount(0,
				node.stringValue().length()) <= 256) || (node.isIntegralNumber() && node.canConvertToLong());
		if (valid) {
			assertThat(parsed).isInstanceOf(Parsed.Valid.class);
			// The socket thread reads the same id once, as an interrupt matches it.
			assertThat(dispatcher.peek(body).key()).isEqualTo(node.isNull() ? null : node.toString());
		}
		else {
			RequestDispatcher.Result refused = ((Parsed.Refused) parsed).refusal();
			assertThat(refused.outcome()).isEqualTo("bad_request");
			assertThat(mapper.readTree(refused.reply()).get("id").isNull()).as("the bad id is not echoed").isTrue();
		}
	}

	@Test
	void overlongAndSurrogateEncodingsAreBadRequest() {
		for (byte[] bad : List.of(new byte[] { (byte) 0xC0, (byte) 0xAF },
				new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, new byte[] { (byte) 0xE0, (byte) 0x80, (byte) 0xAF })) {
			assertThat(outcome(withString(bad))).isEqualTo("bad_request");
		}
	}

	@Test
	void hugeNumbersNeverBecomeInfinity() {
		RequestDispatcher.Result refused = ((Parsed.Refused) dispatcher
			.parse("{\"action\":\"echo\",\"id\":1e999999}".getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE, null)).refusal();
		assertThat(new String(refused.reply(), StandardCharsets.UTF_8)).contains("\"id\":null")
			.doesNotContain("Infinity");
	}

	@Test
	void aHugeIdIsFoundBadByThePeekWithoutDecodingIt() {
		byte[] body = utf8("{\"action\":\"echo\",\"id\":\"" + "i".repeat(900_000) + "\"}");
		dispatcher.peek(body);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		long before = threads.getCurrentThreadAllocatedBytes();
		RequestDispatcher.Peek peek = dispatcher.peek(body);
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		assertThat(peek.badId()).isTrue();
		assertThat(peek.id()).isNull();
		// The socket thread stops reading the id past what an id may be: kilobytes, not the
		// megabytes that decoding 900,000 characters would cost.
		assertThat(allocated).isLessThan(128 * 1024);
		assertThat(dispatcher.peek(utf8("{\"action\":\"echo\",\"id\":1.5}")).badId()).isTrue();
		assertThat(dispatcher.peek(utf8("{\"action\":\"echo\",\"id\":{}}")).badId()).isTrue();
		assertThat(dispatcher.peek(utf8("{\"action\":\"echo\",\"id\":\"\"}")).badId()).isFalse();
		assertThat(dispatcher.peek(utf8("{\"action\":\"echo\",\"id\":null}")).badId()).isFalse();
	}

	@Test
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

	/** One of seven kinds, as likely each: most bodies are nearly valid, where a parser's bugs hide. */
	private static byte[] body(Random random) {
		return switch (random.nextInt(7)) {
			case 0 -> {
				byte[] bytes = new byte[Fuzz.between(random, 0, 64)];
				random.nextBytes(bytes);
				yield bytes;
			}
			case 1 -> mutate(Fuzz.between(random, 0, VALID.length() - 1), (byte) random.nextInt(256),
					Fuzz.between(random, 0, 2));
			case 2 -> {
				int depth = Fuzz.between(random, 1, 700);
				yield utf8("{\"action\":\"echo\",\"x\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + "}");
			}
			case 3 -> utf8("{\"action\":\"echo\",\"x\":[" + floats(random) + "]}");
			case 4 -> utf8("{\"id\":" + ids(random) + ",\"action\":\"echo\"}");
			case 5 -> utf8(repeatedKeys(random));
			default -> invalidUtf8(random);
		};
	}

	private static String repeatedKeys(Random random) {
		String name = Fuzz.oneOf(random, "action", "id", "x", "k", "");
		int depth = Fuzz.between(random, 0, 5);
		String object = "{\"" + name + "\":1,\"" + name + "\":2}";
		return "{\"action\":\"echo\",\"x\":" + "[".repeat(depth) + object + "]".repeat(depth) + "}";
	}

	/**
	 * Each sequence after a few valid characters (ASCII or CJK), so that it lands at varied offsets
	 * of the string, and not always right after an ASCII byte.
	 */
	private static byte[] invalidUtf8(Random random) {
		byte[] sequence = Fuzz.oneOf(random, INVALID_UTF8);
		StringBuilder prefix = new StringBuilder();
		for (int i = Fuzz.between(random, 0, 16); i > 0; i--) {
			prefix.append(random.nextBoolean() ? (char) ('a' + random.nextInt(26)) : (char) (0x4e00 + random.nextInt(0x200)));
		}
		ByteArrayOutputStream inside = new ByteArrayOutputStream();
		inside.writeBytes(utf8(prefix.toString()));
		inside.writeBytes(sequence);
		return withString(inside.toByteArray());
	}

	private static String floats(Random random) {
		String mantissa = Fuzz.oneOf(random, "0", "1", "-1", "0.5", "9.99", "123456789.123456789", "0.0");
		int exponent = random.nextBoolean() ? Fuzz.between(random, -400, 400)
				: Fuzz.between(random, -9_999_999, 9_999_999);
		return mantissa + "e" + exponent;
	}

	private static String ids(Random random) {
		return switch (random.nextInt(5)) {
			case 0 -> "\"" + text(random, Fuzz.between(random, 0, 300), ALPHANUMERIC) + "\"";
			// Around the 256 code points limit, 3 UTF-8 bytes each.
			case 1 -> "\"" + cjk(random, Fuzz.between(random, 250, 260)) + "\"";
			case 2 -> String.valueOf(Fuzz.anyLong(random));
			case 3 -> bigInteger(random, BigInteger.TEN.pow(18), BigInteger.TEN.pow(30)).toString();
			default -> Fuzz.oneOf(random, "null", "true", "1.5", "1e999999", "-0.0", "{\"a\":1}", "[1]", "\"\"",
					"9223372036854775807", "-9223372036854775808", "9223372036854775808");
		};
	}

	/** Log-uniform in [min, max], so that values just past Long.MAX_VALUE come up as often as huge ones. */
	private static BigInteger bigInteger(Random random, BigInteger min, BigInteger max) {
		BigInteger span = max.subtract(min);
		return switch (random.nextInt(16)) {
			case 0 -> min;
			case 1 -> max;
			default -> min.add(new BigInteger(1 + random.nextInt(span.bitLength()), random).mod(span.add(BigInteger.ONE)));
		};
	}

	private static String text(Random random, int length, String alphabet) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return text.toString();
	}

	private static String cjk(Random random, int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) ('\u4e00' + random.nextInt('\u4fff' - '\u4e00' + 1)));
		}
		return text.toString();
	}

	private static String outcome(byte[] body) {
		Parsed parsed = dispatcher.parse(body, Long.MAX_VALUE, null);
		return (parsed instanceof Parsed.Refused refused) ? refused.refusal().outcome() : "parsed";
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
