package zmq.io.coder.v2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import zmq.Msg;
import zmq.io.coder.IDecoder;
import zmq.io.coder.IDecoder.Step;
import zmq.util.ValueReference;

/**
 * Feeds a decoder a byte stream the way {@code zmq.io.StreamEngine.inEvent} does, read after
 * read: each read fills the buffer {@code getBuffer()} returns (the decoder's own, or in the
 * zero-copy case the message's) with at most one random-sized chunk of what has arrived, and
 * the decoder is then run over it until it wants more data or fails. The same calls in the same
 * order as the engine matter: the zero-copy path and the patched growing buffer are only taken
 * through them.
 */
final class DecoderFeed {

	/** A decoded frame: its MORE and COMMAND flags and a copy of its bytes. */
	record Frame(int flags, byte[] data) {
	}

	final List<Frame> frames = new ArrayList<>();

	/** What the last call to decode returned; null if it was never called. */
	Step.Result last;

	/** How many reads it took, each a getBuffer and at least one decode. */
	int reads;

	private DecoderFeed() {
	}

	/**
	 * Stops at the first ERROR, as the engine drops the connection there, or when the stream is
	 * consumed. {@code chunks} draws the size of each read, {@code minChunk} bytes to 64 KB (a
	 * read is also bounded, as a socket read is, by the buffer it fills).
	 */
	static DecoderFeed feed(IDecoder decoder, byte[] stream, Random chunks, int minChunk) {
		DecoderFeed feed = new DecoderFeed();
		int position = 0;
		while (position < stream.length) {
			ByteBuffer inpos = decoder.getBuffer();
			int insize = Math.min(Math.min(chunk(chunks, minChunk), inpos.remaining()), stream.length - position);
			inpos.put(stream, position, insize);
			position += insize;
			inpos.flip();
			feed.reads++;
			ValueReference<Integer> processed = new ValueReference<>(0);
			while (insize > 0) {
				feed.last = decoder.decode(inpos, insize, processed);
				if (processed.get() > insize) {
					throw new AssertionError("processed " + processed.get() + " of " + insize + " bytes");
				}
				insize -= processed.get();
				if (feed.last == Step.Result.MORE_DATA) {
					break;
				}
				if (feed.last == Step.Result.ERROR) {
					return feed;
				}
				Msg msg = decoder.msg();
				feed.frames.add(new Frame(msg.flags() & (Msg.MORE | Msg.COMMAND), msg.data().clone()));
			}
		}
		return feed;
	}

	/** Log-uniform in [min, 65536]: single bytes as often as whole 64 KB reads. */
	static int chunk(Random random, int min) {
		int bound = 1 << random.nextInt(17);
		return Math.max(min, 1 + random.nextInt(bound));
	}

}
