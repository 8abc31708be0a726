package dev.agentry.core.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZContext;

/**
 * One thread that owns its sockets from creation to close, in the style of JeroMQ's
 * {@code ZActor}: other threads never touch the sockets, they hand work over through
 * queues and wake the loop. A stop is a request that the loop honours in its own time;
 * nothing ever interrupts it, because an interrupt breaks JeroMQ sockets and can hang the
 * context's termination.
 * <p>
 * The loop waits in a NIO selector of its own on its sockets' command channels
 * ({@link SocketPoller}); a wake-up is the selector's own {@link Selector#wakeup()}. It never
 * spins: before it waits it asks its sockets whether they hold input (a socket's channel
 * signals commands, not messages), and a wait that returned with nothing to do for the
 * second time in a row (on stock JeroMQ 0.6.0 a socket's command channel can stay readable
 * with nothing counted in it until the thread that signalled it runs again: its
 * {@code Signaler} writes its byte before it counts it) is followed by a short park that
 * doubles while it lasts, which lets that thread run. {@link #polls()} counts the waits.
 */
public abstract class ZmqLoop {

	private static final Log logger = LogFactory.getLog(ZmqLoop.class);

	private static final LongAdder allPolls = new LongAdder();

	/** How many times this loop has polled; written by the loop's thread only. */
	private volatile long polls;

	private final String threadName;

	private final ZContext context;

	private final Consumer<Throwable> onCrash;

	/**
	 * The first park after a wait that found nothing, twice in a row; doubled on each more,
	 * up to {@link #LONGEST_PARK_NANOS}. Short, because a command that is not input (a new
	 * connection, a peer reading again) also ends a wait with nothing to do now and then.
	 */
	static final long FIRST_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

	static final long LONGEST_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final Selector selector;

	/**
	 * Where the loop is, for {@link #wakeup()}: {@link #AWAKE} while it works (a wake-up only
	 * marks it {@link #DIRTY}, without a system call, and the loop takes one more turn instead
	 * of waiting), {@link #ARMED} while it waits or is about to (a wake-up then signals the
	 * selector, once: {@link #SIGNALLED}). So many hand-overs from other threads (completions,
	 * cancellations) cost at most one signal per wait, however many come while the loop works.
	 */
	private final AtomicInteger wakeState = new AtomicInteger(AWAKE);

	private static final int AWAKE = 0;

	private static final int DIRTY = 1;

	private static final int ARMED = 2;

	private static final int SIGNALLED = 3;

	/** Selector wake-ups signalled so far (system calls); counted for the tests and the benchmark. */
	private final LongAdder signals = new LongAdder();

	/** Waits in a row that ended with nothing to do; read and written by the loop's thread. */
	private int emptyWaits;

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
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open the selector of " + threadName, ex);
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

	/**
	 * Makes the loop look at its queues again: wakes it from its wait, or, while it works,
	 * makes it take one more turn before it waits. Cheap and safe from any thread, and
	 * coalesced: a system call only when the loop waits, and one per wait however many
	 * threads call this. After the loop has closed its selector it does nothing.
	 */
	public final void wakeup() {
		while (true) {
			int state = this.wakeState.get();
			if (state == DIRTY || state == SIGNALLED) {
				return;
			}
			if (state == AWAKE) {
				if (this.wakeState.compareAndSet(AWAKE, DIRTY)) {
					return;
				}
			}
			else if (this.wakeState.compareAndSet(ARMED, SIGNALLED)) {
				this.signals.increment();
				this.selector.wakeup();
				return;
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

	/** How many times the loop has polled (waited for its sockets or a wake-up) so far. */
	public final long polls() {
		return this.polls;
	}

	/** How many times other threads have had to signal the loop's selector to wake it so far. */
	public final long signals() {
		return this.signals.sum();
	}

	/** How many times every loop of this JVM has polled so far: what the benchmark reports per request. */
	public static long totalPolls() {
		return allPolls.sum();
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
	protected abstract void open(SocketPoller poller);

	/** Handles whatever the sockets hold ({@link SocketPoller#pollin}), and the work that other threads queued. */
	protected abstract void onPoll(SocketPoller poller);

	/** How long the next poll may block, in milliseconds; -1 (the default) waits for a socket or a wake-up. */
	protected long pollTimeoutMillis() {
		return -1;
	}

	/**
	 * Whether work is waiting that {@link #onPoll} can take without a wait (the loop also
	 * skips its wait while a registered socket holds input). Must turn false once the work
	 * is taken, or the loop never sleeps.
	 */
	protected boolean hasPendingWork() {
		return false;
	}

	/** Whether the loop is done, by default once a stop was requested; checked after every poll. */
	protected boolean finished() {
		return stopRequested();
	}

	/** Closes the sockets; runs on the loop's thread, also after a failure. */
	protected abstract void close();

	private void run() {
		SocketPoller poller = new SocketPoller(this.selector);
		boolean openedOk = false;
		try {
			open(poller);
			openedOk = true;
			this.opened.countDown();
			while (!finished()) {
				// Armed only when nothing is left: a wake-up that came while the loop worked
				// (DIRTY) makes it take another turn without a wait and without a system call.
				if (!hasPendingWork() && !poller.anyIn() && this.wakeState.compareAndSet(AWAKE, ARMED)) {
					await(poller, pollTimeoutMillis());
				}
				else {
					this.wakeState.set(AWAKE);
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
			closeSelector();
			this.opened.countDown();
			this.terminated.countDown();
		}
	}

	/**
	 * Waits for a socket's command, a wake-up or the timeout; the loop is {@link #ARMED}, so
	 * a producer that queued work after the loop last looked signals the selector (a signal
	 * that comes before the select makes it return at once). Back {@link #AWAKE} after the
	 * wait and before the caller looks at its queues: a wake-up skipped from then on is
	 * harmless, it only marks the loop DIRTY, which makes it look again before its next wait.
	 */
	private void await(SocketPoller poller, long timeoutMillis) {
		this.polls++;
		allPolls.increment();
		int selected = poller.select(timeoutMillis);
		boolean woken = this.wakeState.getAndSet(AWAKE) == SIGNALLED;
		if (selected == 0 || woken || hasPendingWork() || poller.anyIn()) {
			// A timeout, a wake-up, or input: the normal case.
			this.emptyWaits = 0;
			return;
		}
		// A socket's channel was readable, yet nothing came of it. Once is a command that is
		// not input; twice in a row is a channel left readable (stock JeroMQ's Signaler race):
		// selecting again would return at once until its writer runs, so let it run.
		this.emptyWaits++;
		if (this.emptyWaits >= 2) {
			long park = FIRST_PARK_NANOS << Math.min(this.emptyWaits - 2, 10);
			LockSupport.parkNanos(Math.min(park, LONGEST_PARK_NANOS));
		}
	}

	private void closeSelector() {
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			// Nothing useful to do at this point of the shutdown.
		}
	}

}
