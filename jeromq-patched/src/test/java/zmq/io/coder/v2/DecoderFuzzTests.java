package zmq.io.coder.v2;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import zmq.ZError;
import zmq.io.coder.IDecoder.Step;
import zmq.msg.MsgAllocator;
import zmq.msg.MsgAllocatorHeap;
import zmq.util.Errno;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ZMTP 3 decoder, fuzzed without a socket: thousands of generated frame streams, cut into
 * reads of random sizes, fed to {@link V2Decoder} as the engine feeds it ({@link DecoderFeed}).
 * Valid streams come back frame for frame; hostile ones end in ERROR (EMSGSIZE) or wait for
 * more data, and nothing escapes as an exception; a stalled large frame costs what it sent.
 * Built from the stock sources ({@code -Djeromq.stock=true}), the negative-size, garbage and
 * allocation tests fail (patches 01 and 02); the others guard the patched decoder's correctness.
 */
class DecoderFuzzTests {

	/** What the engine gives its decoder: Config.IN_BATCH_SIZE, as SO_RCVBUF is not set. */
	private static final int BUFSIZE = 8192;

	private final Errno errno = new Errno();

	@Test
	void validStreamsDecodeFrameForFrame() {
		forEachCase(0x2001L, 1000, (random, inputs) -> {
			ZmtpStream stream = new ZmtpStream();
			for (int i = between(random, 1, 6); i > 0; i--) {
				int size = frameSize(random);
				stream.frame(random, oneOf(random, 0, 1, 4, 5), size, size <= 255 && random.nextBoolean());
			}
			long maxmsgsize = oneOf(random, -1L, Long.MAX_VALUE, stream.frames().stream()
				.mapToLong((frame) -> frame.data().length).max().getAsLong());
			inputs.add(stream.describe() + ", maxmsgsize " + maxmsgsize);
			DecoderFeed feed = feed(stream, maxmsgsize, new MsgAllocatorHeap(), random);
			assertThat(feed.last).isEqualTo(Step.Result.DECODED);
			assertFrames(feed, stream.frames());
		});
	}

	/** Patch 01: a long size with its top bit set is negative as a Java long. */
	@Test
	void negativeSizesAreRefused() {
		forEachCase(0x2002L, 500, (random, inputs) -> {
			long maxmsgsize = oneOf(random, -1L, 0L, 8192L, 1L << 20, Long.MAX_VALUE);
			ZmtpStream stream = prefix(random, maxmsgsize);
			// The low 32 bits near 0 or near -1: a stock decoder's (int) cast then asks for a
			// small or a negative size, never gigabytes.
			long low = random.nextBoolean() ? random.nextInt(65536) : -1 - random.nextInt(65536);
			long size = Long.MIN_VALUE | ((long) random.nextInt() << 32) | (low & 0xffffffffL);
			stream.longHeader(random.nextInt(256), size).raw(garbage(random, 100));
			inputs.add(stream.describe() + ", maxmsgsize " + maxmsgsize);
			DecoderFeed feed = feed(stream, maxmsgsize, bounded(maxmsgsize), random);
			assertRefusedAfter(feed, stream);
		});
	}

	@Test
	void sizesOverTheLimitsAreRefused() {
		forEachCase(0x2003L, 500, (random, inputs) -> {
			long maxmsgsize;
			long size;
			if (random.nextBoolean()) {
				maxmsgsize = between(random, 0, 300_000);
				size = maxmsgsize + 1 + (random.nextBoolean() ? random.nextInt(1000)
						: (random.nextLong() & Long.MAX_VALUE) % (Long.MAX_VALUE - maxmsgsize));
			}
			else {
				// No limit of the socket's: a Java array's still applies.
				maxmsgsize = oneOf(random, -1L, Long.MAX_VALUE);
				size = oneOf(random, 1L << 31, Long.MAX_VALUE, (1L << 31) + (random.nextLong() & (Long.MAX_VALUE >> 1)));
			}
			ZmtpStream stream = prefix(random, maxmsgsize);
			if (size <= 255 && random.nextBoolean()) {
				stream.shortHeader(random.nextInt(256), (int) size);
			}
			else {
				stream.longHeader(random.nextInt(256), size);
			}
			stream.raw(garbage(random, 100));
			inputs.add(stream.describe() + ", maxmsgsize " + maxmsgsize);
			DecoderFeed feed = feed(stream, maxmsgsize, bounded(maxmsgsize), random);
			assertRefusedAfter(feed, stream);
		});
	}

	@Test
	void streamsCutShortWaitForMoreData() {
		forEachCase(0x2004L, 500, (random, inputs) -> {
			ZmtpStream stream = new ZmtpStream();
			for (int i = between(random, 1, 5); i > 0; i--) {
				int size = frameSize(random);
				stream.frame(random, random.nextInt(256), size, size <= 255 && random.nextBoolean());
			}
			byte[] whole = stream.bytes();
			int length = random.nextInt(whole.length);
			inputs.add(stream.describe() + ", cut after " + length);
			DecoderFeed feed = DecoderFeed.feed(decoder(-1, bounded(-1)), Arrays.copyOf(whole, length), random, 1);
			assertThat(feed.last).isNotEqualTo(Step.Result.ERROR);
			assertFrames(feed, stream.framesWithin(length));
		});
	}

	@Test
	void garbageEndsInMoreDataOrMessageSizeErrorNeverAnException() {
		forEachCase(0x2005L, 1000, (random, inputs) -> {
			long maxmsgsize = oneOf(random, -1L, 0L, 255L, 8192L, 300_000L);
			ZmtpStream stream = prefix(random, maxmsgsize).raw(garbage(random, random.nextBoolean() ? 64 : 65536));
			inputs.add(stream.describe() + ", maxmsgsize " + maxmsgsize);
			byte[] bytes = stream.bytes();
			DecoderFeed feed = feed(stream, maxmsgsize, bounded(maxmsgsize), random);
			if (feed.last == Step.Result.ERROR) {
				assertThat(this.errno.get()).as("errno").isEqualTo(ZError.EMSGSIZE);
			}
			assertFrames(new ArrayList<>(feed.frames.subList(0, Math.min(feed.frames.size(), stream.frames().size()))),
					stream.frames());
			for (DecoderFeed.Frame frame : feed.frames) {
				assertThat((long) frame.data().length).isLessThanOrEqualTo((maxmsgsize >= 0) ? maxmsgsize : bytes.length);
			}
		});
	}

	/**
	 * Patch 02: a peer that announces 1,000,000 bytes and sends k costs about what it sent. The
	 * thread's allocated bytes count every buffer of the doubling series (8 KB, 16 KB, ... up to
	 * max(8 KB, 2k)), which sums to less than twice the last; each read also costs the decoder
	 * and this feed a few small objects. The budget allows all that and 64 KB, and stays well
	 * under the 1,000,000 bytes a decoder that allocates the announced size costs.
	 */
	@Test
	void aStalledLargeFrameCostsWhatItSentNotWhatItAnnounced() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		assumeTrue(threads.isThreadAllocatedMemorySupported());
		threads.setThreadAllocatedMemoryEnabled(true);
		// Class loading and first calls allocate too; not in the measured runs.
		DecoderFeed.feed(decoder(-1, new MsgAllocatorHeap()),
				new ZmtpStream().frame(new Random(0), 0, 100_000, true).bytes(), new Random(0), 1);
		forEachCase(0x2006L, 60, (random, inputs) -> {
			int sent = oneOf(random, 0, 1, 8191, 8192, 8193, 16384, 65536, 100_000, between(random, 0, 100_000));
			byte[] stream = new ZmtpStream().longHeader(random.nextInt(256), 1_000_000).raw(garbage(random, sent, sent))
				.bytes();
			inputs.add("1,000,000 announced, " + sent + " sent");
			V2Decoder decoder = decoder(oneOf(random, -1L, 2_000_000L), new MsgAllocatorHeap());
			// At most about 1000 reads, so that their small objects stay a small part of the budget.
			int minChunk = Math.max(1, sent / 1000);
			long before = threads.getCurrentThreadAllocatedBytes();
			DecoderFeed feed = DecoderFeed.feed(decoder, stream, random, minChunk);
			long allocated = threads.getCurrentThreadAllocatedBytes() - before;
			assertThat(feed.last).isEqualTo(Step.Result.MORE_DATA);
			assertThat(feed.frames).isEmpty();
			long budget = 2L * Math.max(8192, 2L * sent) + 64 * 1024 + 256L * feed.reads;
			assertThat(allocated).as("bytes allocated in %d reads", feed.reads).isLessThanOrEqualTo(budget);
		});
	}

	/** Up to 300 KB, the buffers' and the size forms' boundaries more often than chance. */
	private static int frameSize(Random random) {
		return switch (random.nextInt(8)) {
			case 0 -> oneOf(random, 0, 1, 255, 256, 8191, 8192, 8193, 16383, 16384, 16385, 65536, 300_000);
			case 1 -> between(random, 8193, 300_000);
			case 2, 3 -> between(random, 256, 20_000);
			default -> between(random, 0, 255);
		};
	}

	/** A few valid frames under the limit, with random flag bytes, before the hostile part. */
	private static ZmtpStream prefix(Random random, long maxmsgsize) {
		ZmtpStream stream = new ZmtpStream();
		int largest = (int) ((maxmsgsize < 0) ? 20_000 : Math.min(20_000, maxmsgsize));
		for (int i = between(random, 0, 3); i > 0; i--) {
			int size = between(random, 0, largest);
			stream.frame(random, random.nextInt(256), size, size <= 255 && random.nextBoolean());
		}
		return stream;
	}

	private static byte[] garbage(Random random, int max) {
		return garbage(random, 0, max);
	}

	private static byte[] garbage(Random random, int min, int max) {
		byte[] bytes = new byte[between(random, min, max)];
		random.nextBytes(bytes);
		return bytes;
	}

	/**
	 * The heap allocator JeroMQ uses, failing the test on a size no decoder should ask for:
	 * negative, or over the limit (64 MB when there is none). Without it a stock decoder given a
	 * hostile size tries to allocate up to 2 GB on a shared build machine; with it, it fails at
	 * once and says why.
	 */
	private static MsgAllocator bounded(long maxmsgsize) {
		long bound = (maxmsgsize >= 0 && maxmsgsize < (64 << 20)) ? maxmsgsize : (64 << 20);
		MsgAllocator heap = new MsgAllocatorHeap();
		return (size) -> {
			if (size < 0 || size > bound) {
				throw new AssertionError("the decoder asked its allocator for " + size + " bytes");
			}
			return heap.allocate(size);
		};
	}

	private V2Decoder decoder(long maxmsgsize, MsgAllocator allocator) {
		return new V2Decoder(this.errno, BUFSIZE, maxmsgsize, allocator);
	}

	private DecoderFeed feed(ZmtpStream stream, long maxmsgsize, MsgAllocator allocator, Random chunks) {
		return DecoderFeed.feed(decoder(maxmsgsize, allocator), stream.bytes(), chunks, 1);
	}

	/** The valid frames before the hostile part decode, then the decoder refuses with EMSGSIZE. */
	private void assertRefusedAfter(DecoderFeed feed, ZmtpStream stream) {
		assertThat(feed.last).isEqualTo(Step.Result.ERROR);
		assertThat(this.errno.get()).as("errno").isEqualTo(ZError.EMSGSIZE);
		assertFrames(feed, stream.frames());
	}

	private static void assertFrames(DecoderFeed feed, List<ZmtpStream.Expected> expected) {
		assertFrames(feed.frames, expected);
	}

	private static void assertFrames(List<DecoderFeed.Frame> frames, List<ZmtpStream.Expected> expected) {
		assertThat(frames).as("frames decoded").hasSize(expected.size());
		for (int i = 0; i < expected.size(); i++) {
			assertThat(frames.get(i).flags()).as("flags of frame %d", i).isEqualTo(expected.get(i).flags());
			assertThat(frames.get(i).data().length).as("size of frame %d", i).isEqualTo(expected.get(i).data().length);
			assertThat(Arrays.mismatch(frames.get(i).data(), expected.get(i).data()))
				.as("first differing byte of frame %d", i)
				.isEqualTo(-1);
		}
	}

	interface Case {

		void check(Random random, List<String> inputs);

	}

	/**
	 * Each case draws from its own Random, whose seed a failure reports with the input's layout:
	 * {@code new Random(caseSeed)} replays that case alone, stream and reads alike.
	 */
	private void forEachCase(long seed, int cases, Case check) {
		Random seeds = new Random(seed);
		for (int i = 0; i < cases; i++) {
			long caseSeed = seeds.nextLong();
			List<String> inputs = new ArrayList<>();
			this.errno.set(0);
			try {
				check.check(new Random(caseSeed), inputs);
			}
			catch (Throwable ex) {
				throw new AssertionError("case " + i + " of " + cases + " (seed " + seed + "L, case seed " + caseSeed
						+ "L) failed for " + inputs + ": " + ex, ex);
			}
		}
	}

	private static int between(Random random, int min, int max) {
		return switch (random.nextInt(16)) {
			case 0 -> min;
			case 1 -> max;
			default -> min + random.nextInt(max - min + 1);
		};
	}

	@SafeVarargs
	private static <T> T oneOf(Random random, T... choices) {
		return choices[random.nextInt(choices.length)];
	}

}
