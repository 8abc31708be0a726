package dev.agentry.core.client;

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

	Link(String endpoint, BackOffWait grace) {
		this.endpoint = endpoint;
		this.grace = grace;
	}

	/** Told by JeroMQ's I/O thread: the handshake completed. */
	void up() {
		this.everReady = true;
		this.droppedAt.set(0);
		this.ready.set(true);
	}

	/** Told by JeroMQ's I/O thread: the connection dropped. */
	void down() {
		this.ready.set(false);
		// The first drop since the connection was last up starts the grace.
		long now = System.nanoTime();
		this.droppedAt.compareAndSet(0, (now != 0) ? now : 1);
	}

	/** Whether it has stayed dropped past its grace at {@code now}. */
	boolean downPastGrace(long now) {
		return now - this.droppedAt.get() - this.grace.duration().toNanos() > 0;
	}

}
