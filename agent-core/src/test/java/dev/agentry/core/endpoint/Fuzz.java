package dev.agentry.core.endpoint;

import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Seeded cases for plain JUnit fuzz tests. Each case draws from its own {@link Random}, whose
 * seed a failure reports together with the input, so that one failing case can be replayed
 * alone ({@code generator.apply(new Random(caseSeed))}) without running the cases before it.
 */
final class Fuzz {

	private Fuzz() {
	}

	/**
	 * Runs {@code property} on {@code cases} inputs drawn by {@code generator}; a failure, or an
	 * exception that escapes the code under test, is reported with the case and its input.
	 */
	static <T> void check(long seed, int cases, Function<Random, T> generator, Function<T, byte[]> bytes,
			Consumer<T> property) {
		Random seeds = new Random(seed);
		for (int i = 0; i < cases; i++) {
			long caseSeed = seeds.nextLong();
			T input = generator.apply(new Random(caseSeed));
			try {
				property.accept(input);
			}
			catch (AssertionError | RuntimeException | StackOverflowError ex) {
				throw new AssertionError("case " + i + " of " + cases + " (seed " + seed + "L, case seed " + caseSeed
						+ "L) failed for input \"" + escape(bytes.apply(input)) + "\": " + ex, ex);
			}
		}
	}

	/**
	 * An int in [min, max], its bounds more often than chance would pick them: bugs live there.
	 */
	static int between(Random random, int min, int max) {
		return switch (random.nextInt(16)) {
			case 0 -> min;
			case 1 -> max;
			default -> min + (int) (random.nextDouble() * ((long) max - min + 1));
		};
	}

	/** Any long, with the edges and small values (the common ones) mixed in. */
	static long anyLong(Random random) {
		return switch (random.nextInt(8)) {
			case 0 -> Long.MIN_VALUE;
			case 1 -> Long.MAX_VALUE;
			case 2, 3 -> between(random, -1000, 1000);
			default -> random.nextLong();
		};
	}

	@SafeVarargs
	static <T> T oneOf(Random random, T... choices) {
		return choices[random.nextInt(choices.length)];
	}

	/**
	 * Printable ASCII as is (quote and backslash escaped), every other byte as \xNN: readable,
	 * and exact to the byte, which matters for the invalid UTF-8 cases.
	 */
	static String escape(byte[] bytes) {
		StringBuilder text = new StringBuilder(bytes.length + 16);
		for (byte b : bytes) {
			int c = b & 0xff;
			if (c == '\\' || c == '"') {
				text.append('\\').append((char) c);
			}
			else if (c >= 0x20 && c < 0x7f) {
				text.append((char) c);
			}
			else {
				text.append(String.format("\\x%02x", c));
			}
		}
		return text.toString();
	}

}
