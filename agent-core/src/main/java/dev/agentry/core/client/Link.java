package dev.agentry.core.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection of one socket, as JeroMQ's I/O thread tells it; also what a call
 * remembers it was sent on, so that only that socket may answer it.
 */
final class Link {

	final String endpoint;

	/** How long this connection may stay dropped before its socket is replaced. */
	final BackOffWait grace;

	final long createdAt = System.nanoTime();

	/** Whether the connection has completed its handshake and is up now. */
	final AtomicBoolean ready = new AtomicBoolean();

	/** When it dropped without coming back since; 0 while up or before any drop. */
	final AtomicLong droppedAt = new AtomicLong();

	volatile boolean everReady;

	/** How many times it dropped: a lane compares it before and after a wait for a reply. */
	private final AtomicLong drops = new AtomicLong();

	/** Counts every change, so that a lane waiting for one cannot miss it between look and wait. */
	private long changes;

	Link(String endpoint, BackOffWait grace) {
		this.endpoint = endpoint;
		this.grace = grace;
	}

	/** Told by JeroMQ's I/O thread: the handshake completed. */
	void up() {
		this.everReady = true;
		this.droppedAt.set(0);
		this.ready.set(true);
		changed();
	}

	/** Told by JeroMQ's I/O thread: the connection dropped. */
	void down() {
		this.ready.set(false);
		// The first drop since the connection was last up starts the grace.
		long now = System.nanoTime();
		this.droppedAt.compareAndSet(0, (now != 0) ? now : 1);
		this.drops.incrementAndGet();
		changed();
	}

	long drops() {
		return this.drops.get();
	}

	/** The count of changes so far, to wait on with {@link #awaitChange}. */
	synchronized long changes() {
		return this.changes;
	}

	/**
	 * Waits until the connection changes after {@code seen} (a count of {@link #changes()}),
	 * or {@code nanos} pass: how a lane's thread waits for a handshake without polling.
	 */
	synchronized void awaitChange(long seen, long nanos) throws InterruptedException {
		long end = System.nanoTime() + nanos;
		long left = nanos;
		while (this.changes == seen && left > 0) {
			TimeUnit.NANOSECONDS.timedWait(this, left);
			left = end - System.nanoTime();
		}
	}

	private synchronized void changed() {
		this.changes++;
		notifyAll();
	}

	/** Whether it has stayed dropped past its grace at {@code now}. */
	boolean downPastGrace(long now) {
		return now - this.droppedAt.get() - this.grace.duration().toNanos() > 0;
	}

}
