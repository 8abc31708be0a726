package dev.agentry.core.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What a running worker asks agent-core: whether to go on, and a sleep that the stop cuts short. */
public final class WorkerContext {

	private final CountDownLatch stop = new CountDownLatch(1);

	private volatile boolean failed;

	/** Whether the worker should go on; {@code false} once step 3 has signalled it. */
	public boolean isRunning() {
		return this.stop.getCount() > 0;
	}

	/**
	 * Sleeps for {@code duration} or until the stop, whichever comes first; the stop wakes it
	 * without an interrupt, so a worker that owns a ZMQ socket can sleep here safely.
	 * @return {@code true} if the worker should go on
	 */
	public boolean sleep(Duration duration) {
		try {
			return !this.stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	void markFailed() {
		this.failed = true;
	}

	boolean failed() {
		return this.failed;
	}

	void signalStop() {
		this.stop.countDown();
	}

}
