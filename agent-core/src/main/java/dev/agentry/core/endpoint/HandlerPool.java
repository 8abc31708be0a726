package dev.agentry.core.endpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import dev.agentry.core.client.CallerSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * An endpoint's handler threads, fed in batches: the socket thread hands over every request
 * of one pass in one call ({@link #handOff}), which queues them without a lock and wakes at
 * most one idle handler; a handler that takes a request and sees more queued wakes the next
 * idle one, and a busy handler takes the next request without being woken at all. So a
 * burst of requests costs the socket thread one signal, and the handlers one each per burst,
 * where a {@code ThreadPoolExecutor} takes a lock per request on both sides.
 * <p>
 * Threads are daemons (a handler that never returns must not keep the JVM alive after the
 * drain gave up on it) and are never interrupted: {@link #shutdown()} lets them run what is
 * queued, then end.
 */
final class HandlerPool {

	private static final Log logger = LogFactory.getLog(HandlerPool.class);

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** Handlers parked for want of work, the most recently parked first (its caches are warm). */
	private final ConcurrentLinkedDeque<Handler> idle = new ConcurrentLinkedDeque<>();

	private final List<Handler> handlers = new ArrayList<>();

	/** Unparks of an idle handler so far, by the socket thread and by handlers passing work on. */
	private final LongAdder signals = new LongAdder();

	private volatile boolean shutdown;

	HandlerPool(int threads, String namePrefix) {
		for (int i = 1; i <= threads; i++) {
			Handler handler = new Handler();
			// A handler's synchronous client calls go on sockets of its own, closed as it ends.
			Thread thread = new Thread(() -> CallerSockets.run(handler::run), namePrefix + i);
			thread.setDaemon(true);
			handler.thread = thread;
			this.handlers.add(handler);
		}
		this.handlers.forEach((handler) -> handler.thread.start());
	}

	/** Queues a batch of tasks and wakes one idle handler, if any; from the socket thread. */
	void handOff(Collection<Runnable> batch) {
		if (batch.isEmpty()) {
			return;
		}
		this.tasks.addAll(batch);
		wakeOne();
	}

	/** Runs what is queued, then lets the handlers end; never interrupts one. */
	void shutdown() {
		this.shutdown = true;
		Handler handler;
		while ((handler = this.idle.pollFirst()) != null) {
			handler.wake();
		}
	}

	/** How many times an idle handler was woken so far. */
	long signals() {
		return this.signals.sum();
	}

	/** How many handlers are parked now, waiting for work. */
	int idle() {
		return this.idle.size();
	}

	private void wakeOne() {
		Handler handler = this.idle.pollFirst();
		if (handler != null) {
			this.signals.increment();
			handler.wake();
		}
	}

	private final class Handler {

		Thread thread;

		/** Set by the handler before it parks, cleared by whoever wakes it. */
		private volatile boolean parked;

		void wake() {
			this.parked = false;
			LockSupport.unpark(this.thread);
		}

		void run() {
			while (true) {
				Runnable task = HandlerPool.this.tasks.poll();
				if (task != null) {
					if (!HandlerPool.this.tasks.isEmpty()) {
						// More than this handler takes now: one more hand, which passes it on in turn.
						wakeOne();
					}
					runSafely(task);
					continue;
				}
				if (HandlerPool.this.shutdown) {
					return;
				}
				park();
			}
		}

		/**
		 * Parks until woken. Listed as idle first, then the queue looked at again: a batch
		 * queued before the listing is seen here, one queued after it finds this handler
		 * listed and wakes it.
		 */
		private void park() {
			this.parked = true;
			HandlerPool.this.idle.addFirst(this);
			if (!HandlerPool.this.tasks.isEmpty() || HandlerPool.this.shutdown) {
				// Taken off the list again, unless a waker took it already (then it cleared parked).
				HandlerPool.this.idle.remove(this);
				this.parked = false;
				return;
			}
			while (this.parked && !HandlerPool.this.shutdown) {
				LockSupport.park(this);
			}
			this.parked = false;
		}

		private void runSafely(Runnable task) {
			try {
				task.run();
			}
			catch (Throwable ex) {
				// The task answers its own failures; this keeps the thread for the next request.
				logger.error("A handler task of " + this.thread.getName() + " failed", ex);
			}
		}

	}

}
