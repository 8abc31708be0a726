package dev.agentry.core.shutdown;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * One step of the stop order, or one part of a step, as a {@link SmartLifecycle}; the model
 * is spring-integration's {@code AbstractEndpoint} and Spring Boot's
 * {@code WebServerGracefulShutdownLifecycle}. {@code start}, {@code stop} and
 * {@code stop(Runnable)} are final and guarded by a lock; a subclass writes only its own
 * work in {@link #doStart()} and {@link #doStop(Completion)}. The base:
 * <ul>
 * <li>runs the stop once: a second stop, a stop after close or a stop of a step that never
 * started calls back at once and does nothing else;</li>
 * <li>always calls Spring's callback back, also when the hook throws (a stop that throws
 * makes Spring wait out the whole phase timeout);</li>
 * <li>logs {@code Shutdown step N (name): ...} at the start and
 * {@code Shutdown step N (name) done in X ms (outcome)} at the end (a part of a step:
 * {@code Shutdown step N (name): 'part' closed in X ms (outcome)});</li>
 * <li>records the step in {@code agent_shutdown_phase_seconds} and in the report through
 * {@link ShutdownRecorder}: one entry under its component, or one per part that the hook
 * records with {@link Completion#part};</li>
 * <li>holds its bound, which comes from {@link ShutdownBudget}: the blocking {@link #stop()}
 * waits no longer, and the hook must end its work within it.</li>
 * </ul>
 * <p>
 * A step whose work ends synchronously overrides {@link #doStop(Completion)} and returns its
 * outcome. A step that drains asynchronously (the request endpoints, whose socket loops end
 * on their own threads) overrides {@link #doStopAsync(Completion)} instead: it asks its
 * loops to drain, returns at once, and whichever thread sees the last loop end calls
 * {@link Completion#complete(StepOutcome)}, once, after recording each endpoint with its
 * counts through {@link Completion#part(StepRecord)}. Spring then waits for the callback up
 * to the phase timeout, which {@link ShutdownBudget#phaseTimeouts()} sets to the same bound.
 * For example:
 * <pre class="code">
 * protected void doStopAsync(Completion done) {
 *     AtomicInteger left = new AtomicInteger(loops.size());
 *     for (Loop loop : loops) {
 *         loop.shutdown(() -&gt; {                        // runs on the loop's own thread
 *             done.part(loop.stepRecord(done.elapsed()));
 *             if (left.decrementAndGet() == 0) {
 *                 done.complete(worstOutcome());
 *             }
 *         });
 *     }
 * }
 * </pre>
 */
public abstract class ShutdownStep implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ShutdownStep.class);

	private final Lock lock = new ReentrantLock();

	private final Step step;

	private final String part;

	private final String component;

	private final ShutdownRecorder recorder;

	private final Duration bound;

	private boolean started;

	private boolean stopped;

	/**
	 * @param step the step this is, or the step this is a part of
	 * @param part the part's name (a stream of step 2), or {@code null} when this is the whole step
	 * @param component the report's component of the step, or {@code null} when the hook records
	 * its parts itself or nothing is recorded
	 * @param recorder where the step is recorded; may be {@code null} when nothing is
	 * @param bound the longest the stop may take, from {@link ShutdownBudget}
	 */
	protected ShutdownStep(Step step, String part, String component, ShutdownRecorder recorder, Duration bound) {
		this.step = step;
		this.part = part;
		this.component = component;
		this.recorder = recorder;
		this.bound = bound;
	}

	/** The longest the stop may take. */
	protected final Duration bound() {
		return this.bound;
	}

	protected final Step step() {
		return this.step;
	}

	@Override
	public final void start() {
		this.lock.lock();
		try {
			if (this.started || this.stopped) {
				return;
			}
			doStart();
			this.started = true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** What the step starts, if anything; runs once, under the lock. */
	protected void doStart() {
	}

	/** Stops and waits for the end, up to the bound. */
	@Override
	public final void stop() {
		CountDownLatch done = new CountDownLatch(1);
		stop(done::countDown);
		try {
			if (!done.await(this.bound.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn(this.step.prefix() + " did not end within its bound of " + this.bound.toMillis()
						+ " ms; going on without it");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public final void stop(Runnable callback) {
		boolean first;
		this.lock.lock();
		try {
			first = this.started && !this.stopped;
			this.stopped = true;
		}
		finally {
			this.lock.unlock();
		}
		if (!first) {
			callback.run();
			return;
		}
		Completion done = new Completion(callback);
		try {
			done.run = StepRun.begin(this.step, this.part, this.component, this.recorder, stopping());
			doStopAsync(done);
		}
		catch (RuntimeException | Error ex) {
			logger.warn(this.step.prefix() + " failed; the shutdown goes on", ex);
			done.complete(StepOutcome.ERROR);
		}
	}

	/** What the stop does, for its start line: {@code closing the health socket}. */
	protected abstract String stopping();

	/**
	 * The step's own asynchronous work: must call {@code done.complete} exactly once, from any
	 * thread, within the bound. By default runs {@link #doStop(Completion)} on the calling thread.
	 */
	protected void doStopAsync(Completion done) {
		done.complete(doStop(done));
	}

	/**
	 * The step's own synchronous work, within the bound.
	 * @param step where to record the step's parts, if it has any
	 * @return how it went
	 */
	protected StepOutcome doStop(Completion step) {
		throw new UnsupportedOperationException(getClass().getName() + " overrides neither doStop nor doStopAsync");
	}

	/** Whether started and not yet stopped: Spring stops only a running step. */
	@Override
	public final boolean isRunning() {
		this.lock.lock();
		try {
			return this.started && !this.stopped;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The end of one stop: records, logs and calls Spring back, once. */
	protected static final class Completion {

		private final Runnable callback;

		private final AtomicBoolean completed = new AtomicBoolean();

		private volatile StepRun run;

		private Completion(Runnable callback) {
			this.callback = callback;
		}

		/** Time since the step began. */
		public Duration elapsed() {
			return (this.run != null) ? this.run.elapsed() : Duration.ZERO;
		}

		/** Records a part of the step (a worker, an endpoint); then the step is not recorded as a whole. */
		public void part(StepRecord record) {
			this.run.part(record);
		}

		/** Records a part of the step, timed from the step's start. */
		public void part(String component, StepOutcome outcome) {
			part(new StepRecord(this.run.step(), component, elapsed(), outcome, null, null, null));
		}

		/** Ends the step; only the first call counts. */
		public void complete(StepOutcome outcome) {
			if (!this.completed.compareAndSet(false, true)) {
				return;
			}
			try {
				if (this.run != null) {
					this.run.end(outcome);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not record a shutdown step: " + ex);
			}
			finally {
				this.callback.run();
			}
		}

	}

}
