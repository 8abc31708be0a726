package dev.agentry.core.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * One thread that owns its sockets from creation to close, in the style of JeroMQ's
 * {@code ZActor}: other threads never touch the sockets, they hand work over through
 * queues and wake the loop through a pipe that the poller watches next to the sockets.
 * A stop is a request that the loop honours in its own time; nothing ever interrupts it,
 * because an interrupt breaks JeroMQ sockets and can hang the context's termination.
 */
public abstract class ZmqLoop {

	private static final Log logger = LogFactory.getLog(ZmqLoop.class);

	private final String threadName;

	private final ZContext context;

	private final Consumer<Throwable> onCrash;

	private final Pipe wakeupPipe;

	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	/** Direct: a heap buffer would make every read copy through a temporary direct one. */
	private final ByteBuffer wakeupBytes = ByteBuffer.allocateDirect(64);

	private final CountDownLatch opened = new CountDownLatch(1);

	private final CountDownLatch terminated = new CountDownLatch(1);

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile boolean stopRequested;

	private volatile boolean closing;

	private volatile Throwable openFailure;

	private Thread thread;

	protected ZmqLoop(String threadName, ZContext context, Consumer<Throwable> onCrash) {
		this.threadName = threadName;
		this.context = context;
		this.onCrash = onCrash;
		try {
			this.wakeupPipe = Pipe.open();
			this.wakeupPipe.source().configureBlocking(false);
			this.wakeupPipe.sink().configureBlocking(false);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open the wake-up pipe of " + threadName, ex);
		}
	}

	/**
	 * Starts the thread and waits until it has opened (bound) its sockets, so that a port
	 * that cannot be bound fails the application's start instead of a later request.
	 */
	public final void start(Duration openTimeout) {
		if (!this.started.compareAndSet(false, true)) {
			return;
		}
		this.thread = new Thread(this::run, this.threadName);
		// Daemon: an abandoned loop must never keep a JVM alive once the context is closed.
		this.thread.setDaemon(true);
		this.thread.start();
		try {
			if (!this.opened.await(openTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				requestStop();
				throw new IllegalStateException(this.threadName + " did not open its sockets within " + openTimeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			requestStop();
			throw new IllegalStateException("Interrupted while " + this.threadName + " opened its sockets", ex);
		}
		Throwable failure = this.openFailure;
		if (failure != null) {
			throw new IllegalStateException(this.threadName + " could not open its sockets: " + failure.getMessage(),
					failure);
		}
	}

	/** Asks the loop to stop; {@link #stopRequested()} turns true and the loop wakes up. */
	public final void requestStop() {
		this.stopRequested = true;
		wakeup();
	}

	/** Wakes the loop from its poll; cheap and safe from any thread, coalesced when repeated. */
	public final void wakeup() {
		if (this.wakeupPending.compareAndSet(false, true)) {
			try {
				this.wakeupPipe.sink().write(ByteBuffer.wrap(new byte[] { 1 }));
			}
			catch (IOException ex) {
				// The loop has ended and closed the pipe: nothing is left to wake.
			}
		}
	}

	/** Waits for the loop's thread to close its sockets and end. */
	public final boolean awaitTermination(Duration timeout) {
		if (!this.started.get()) {
			return true;
		}
		try {
			return this.terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	public final boolean isStarted() {
		return this.started.get();
	}

	/**
	 * Whether the loop has begun to close: work queued from now on may not be taken by it,
	 * so a producer that sees this after queueing must take its work back and answer it.
	 */
	public final boolean isClosing() {
		return this.closing;
	}

	public final boolean isTerminated() {
		return this.terminated.getCount() == 0;
	}

	protected final boolean stopRequested() {
		return this.stopRequested;
	}

	protected final ZContext context() {
		return this.context;
	}

	/** Creates and binds the sockets on the loop's thread and registers them with the poller. */
	protected abstract void open(ZMQ.Poller poller);

	/** Handles whatever the last poll found ready, and the work that other threads queued. */
	protected abstract void onPoll(ZMQ.Poller poller);

	/** How long the next poll may block, in milliseconds; -1 waits for a socket or a wake-up. */
	protected abstract long pollTimeoutMillis();

	/**
	 * Whether work is waiting that {@link #onPoll} can take without a poll: then the loop
	 * skips the poll, whose selector bookkeeping (JeroMQ copies its selector's keys into a
	 * new map and selects at least twice on every poll) costs more under load than the work
	 * itself. Must turn false once the
	 * work is taken, or the loop never sleeps.
	 */
	protected boolean hasPendingWork() {
		return false;
	}

	/** Whether the loop is done; checked after every poll. */
	protected abstract boolean finished();

	/** Closes the sockets; runs on the loop's thread, also after a failure. */
	protected abstract void close();

	private void run() {
		ZMQ.Poller poller = this.context.createPoller(4);
		boolean openedOk = false;
		try {
			poller.register(this.wakeupPipe.source(), ZMQ.Poller.POLLIN);
			open(poller);
			openedOk = true;
			this.opened.countDown();
			while (!finished()) {
				if (!hasPendingWork()) {
					poller.poll(pollTimeoutMillis());
					drainWakeups();
				}
				onPoll(poller);
			}
		}
		catch (Throwable ex) {
			if (!openedOk) {
				this.openFailure = ex;
			}
			else {
				logger.error(this.threadName + " failed; its sockets are closed", ex);
				this.onCrash.accept(ex);
			}
		}
		finally {
			// Set before close() takes what is queued: whoever queues work after this point
			// sees it and takes the work back itself (see isClosing()).
			this.closing = true;
			try {
				close();
			}
			catch (RuntimeException ex) {
				logger.warn(this.threadName + " could not close its sockets cleanly: " + ex);
			}
			poller.close();
			closePipe();
			this.opened.countDown();
			this.terminated.countDown();
		}
	}

	/**
	 * Empties the pipe, then allows the next wake-up to write again. In this order: cleared
	 * first, a wake-up could write its byte between the clear and the read, the read would
	 * take it, and the flag would stay set over an empty pipe, so that every later wake-up
	 * is skipped and the loop sleeps on work that is queued (the benchmark found this: a
	 * client with all its requests answered but the replies never sent). A wake-up skipped
	 * between the read and the clear is harmless: its work was queued before it, and the
	 * loop looks at the queues after this.
	 */
	private void drainWakeups() {
		try {
			while (this.wakeupPipe.source().read(this.wakeupBytes.clear()) > 0) {
				// Every byte stands for the same request: look at the queues again.
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.wakeupPending.set(false);
	}

	private void closePipe() {
		try {
			this.wakeupPipe.sink().close();
			this.wakeupPipe.source().close();
		}
		catch (IOException ex) {
			// Nothing useful to do at this point of the shutdown.
		}
	}

}
