package dev.agentry.test;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The kit's waits, with Awaitility. The condition is polled on the caller's thread, since it
 * may use a ZeroMQ socket, which must stay on the thread that made it; and uncaught exceptions
 * of other threads (the load's, the agent's pipes) are theirs to handle, not a reason to end
 * a wait.
 */
final class Waits {

	private Waits() {
	}

	/** Polls at once, then every {@code interval}, for at most {@code atMost}. */
	static ConditionFactory upTo(Duration atMost, Duration interval) {
		return Awaitility.await()
			.atMost(atMost)
			.pollDelay(Duration.ZERO)
			.pollInterval(interval)
			.pollInSameThread()
			.dontCatchUncaughtExceptions();
	}

}
