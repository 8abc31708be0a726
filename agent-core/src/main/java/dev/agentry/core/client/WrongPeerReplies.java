package dev.agentry.core.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The replies of one client dropped because they came on another connection than the one
 * their call went to (a peer answering calls it did not get): every one is counted, and told
 * at WARN at most once a minute, without its payload, whichever thread (the client's loop, a
 * caller's lane) found it.
 */
final class WrongPeerReplies {

	private static final Log logger = LogFactory.getLog(WrongPeerReplies.class);

	private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final String client;

	private final Runnable counter;

	private final AtomicLong nextWarn = new AtomicLong(System.nanoTime());

	WrongPeerReplies(String client, Runnable counter) {
		this.client = client;
		this.counter = counter;
	}

	/** A reply from {@code from} carried a call that went to {@code sentTo}. */
	void dropped(String from, String sentTo) {
		this.counter.run();
		long now = System.nanoTime();
		long next = this.nextWarn.get();
		if (now - next >= 0 && this.nextWarn.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
			logger.warn("Agent client '" + this.client + "' dropped a reply from " + from + " to a call sent to " + sentTo
					+ " (a peer answering calls it did not get); every one is counted, this is told at most once a minute");
		}
	}

}
