package dev.agentry.core.client;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * The random correlation frames of one owner's calls (the client's loop, or one caller's
 * lane), so that no peer can guess those of calls sent to others. Used by its owner's
 * thread only.
 */
final class Correlations {

	private final SecureRandom random = new SecureRandom();

	/** Random bytes fetched in batches: one SecureRandom call per 256 requests, not per request. */
	private final ByteBuffer randomBytes = ByteBuffer.allocate(Long.BYTES * 256).position(Long.BYTES * 256);

	long next() {
		if (!this.randomBytes.hasRemaining()) {
			this.random.nextBytes(this.randomBytes.array());
			this.randomBytes.clear();
		}
		return this.randomBytes.getLong();
	}

	static byte[] frame(long correlation) {
		return ByteBuffer.allocate(Long.BYTES).putLong(correlation).array();
	}

	/** The correlation a reply's first frame carries; {@code null} when it is not one. */
	static Long of(byte[] frame) {
		return (frame != null && frame.length == Long.BYTES) ? ByteBuffer.wrap(frame).getLong() : null;
	}

}
