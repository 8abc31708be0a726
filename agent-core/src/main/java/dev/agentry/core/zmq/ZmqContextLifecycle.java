package dev.agentry.core.zmq;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZContext;

/**
 * Owns the agent's one {@link ZContext} and terminates it last among the agent's parts
 * (step 5). Termination runs on its own thread under a watchdog: JeroMQ's context
 * termination can hang (a socket broken by an interrupt, a peer that never drains), and
 * that must never hold the JVM's exit. Terminating here, rather than leaving it to the
 * JVM's exit, also spares the exit a wait for JeroMQ's I/O threads in native calls.
 */
public final class ZmqContextLifecycle extends ShutdownStep {

	private static final Log logger = LogFactory.getLog(ZmqContextLifecycle.class);

	private final ZContext context;

	private final Duration linger;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Parts that live as long as the context and close just before it (the ZAP handler). */
	private final Deque<Runnable> closeLast = new ConcurrentLinkedDeque<>();

	public ZmqContextLifecycle(Duration linger, ShutdownRecorder recorder) {
		this(linger, recorder, (failure) -> {
		});
	}

	/**
	 * @param ioThreadFailed told when a JeroMQ I/O thread died or reported a failure that may
	 * have left it broken (a spinning or dead I/O thread serves none of its sockets)
	 */
	public ZmqContextLifecycle(Duration linger, ShutdownRecorder recorder, Consumer<Throwable> ioThreadFailed) {
		super(Step.CONTEXT, null, "zmq-context", recorder, ShutdownBudget.contextBound(linger));
		this.context = new ZContext(1);
		this.context.setLinger((int) Math.min(Integer.MAX_VALUE, linger.toMillis()));
		// Must be set before the first socket starts the I/O thread. JeroMQ's defaults print the
		// stack trace and carry on, whatever state the thread is left in.
		this.context.setUncaughtExceptionHandler((thread, ex) -> {
			logger.error("JeroMQ's " + thread.getName() + " died; no socket of the agent is served any more", ex);
			ioThreadFailed.accept(ex);
		});
		this.context.setNotificationExceptionHandler((thread, ex) -> {
			if (isSelectorHousekeeping(ex) || this.closed.get()) {
				logger.debug("JeroMQ's " + thread.getName() + " recovered from " + ex);
				return;
			}
			logger.error("JeroMQ's " + thread.getName() + " failed while serving a connection; its state is unknown", ex);
			ioThreadFailed.accept(ex);
		});
		this.linger = linger;
	}

	public ZContext context() {
		return this.context;
	}

	/**
	 * Runs {@code closer} at step 5, after every other part of the agent has closed its
	 * sockets and before the context terminates; the last one registered runs first.
	 */
	public void closeLast(Runnable closer) {
		this.closeLast.push(closer);
	}

	/** How long each part registered with {@link #closeLast} may take: {@link ShutdownBudget#ZAP_CLOSE_BOUND}. */
	public static final Duration CLOSE_LAST_BOUND = ShutdownBudget.ZAP_CLOSE_BOUND;

	/**
	 * The longest step 5 can take: the parts that close last, the sockets' linger and the
	 * watchdog's margin.
	 */
	public Duration worstCase() {
		return CLOSE_LAST_BOUND.multipliedBy(this.closeLast.size()).plus(terminationBound());
	}

	private Duration terminationBound() {
		return ShutdownBudget.contextBound(this.linger);
	}

	@Override
	protected String stopping() {
		return "terminating the ZMQ context";
	}

	@Override
	protected StepOutcome doStop(Completion step) {
		this.closed.set(true);
		Runnable closer;
		while ((closer = this.closeLast.poll()) != null) {
			try {
				closer.run();
			}
			catch (RuntimeException ex) {
				logger.warn("A part of the ZMQ context failed to close: " + ex);
			}
		}
		int leftOpen = this.context.getSockets().size();
		if (leftOpen > 0) {
			logger.warn(leftOpen + " ZMQ socket(s) were still open at step 5; the context closes them");
		}
		return terminateWithWatchdog();
	}

	private StepOutcome terminateWithWatchdog() {
		CountDownLatch done = new CountDownLatch(1);
		Thread terminator = new Thread(() -> {
			try {
				this.context.close();
			}
			catch (RuntimeException ex) {
				logger.warn("ZMQ context termination failed: " + ex);
			}
			finally {
				done.countDown();
			}
		}, "agent-zmq-context-terminator");
		terminator.setDaemon(true);
		terminator.start();
		try {
			if (done.await(terminationBound().toMillis(), TimeUnit.MILLISECONDS)) {
				return StepOutcome.GRACEFUL;
			}
			logger.warn("ZMQ context termination did not finish within " + terminationBound().toMillis()
					+ " ms; abandoning it so that the JVM can exit");
			return StepOutcome.TIMEOUT;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return StepOutcome.ERROR;
		}
	}

	/** What JeroMQ's poller reports and then repairs itself (a rebuilt selector, a cancelled key). */
	private static boolean isSelectorHousekeeping(Throwable ex) {
		return ex instanceof ClosedSelectorException || ex instanceof CancelledKeyException
				|| ex instanceof ClosedChannelException;
	}

	@Override
	public int getPhase() {
		return AgentPhases.CONTEXT;
	}

}
