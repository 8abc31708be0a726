package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Step 1 of the shutdown, the drain policy in one place: it decides <em>when</em>, the
 * endpoints know <em>how</em>. Every endpoint stops taking new requests at once
 * ({@link RequestEndpoint#shutdown()}); those in flight get up to the drain timeout to
 * finish and be flushed; then what is left is forced ({@link RequestEndpoint#shutdownNow()})
 * and the last replies get the flush bound to go out. It runs once, on a thread of its own
 * so that the phase's other stops are not held up, and always calls every callback back.
 */
final class DrainStep {

	private static final Log logger = LogFactory.getLog(DrainStep.class);

	private final List<RequestEndpoint> endpoints;

	private final Duration drainTimeout;

	private final Duration flushBound;

	private final ShutdownRecorder recorder;

	private final List<Runnable> callbacks = new ArrayList<>();

	private Thread thread;

	private boolean done;

	/**
	 * @param drainTimeout how long requests in flight may take to finish ({@code agent.shutdown.drain-timeout})
	 * @param flushBound how long forcing what is left and flushing the last replies may take
	 */
	DrainStep(List<RequestEndpoint> endpoints, Duration drainTimeout, Duration flushBound, ShutdownRecorder recorder) {
		this.endpoints = List.copyOf(endpoints);
		this.drainTimeout = drainTimeout;
		this.flushBound = flushBound;
		this.recorder = recorder;
	}

	/** The longest the step may take: the drain timeout, then the flush bound. */
	Duration bound() {
		return this.drainTimeout.plus(this.flushBound);
	}

	/** Drains the endpoints, once; {@code callback} runs when they are done, however they end. */
	synchronized void stop(Runnable callback) {
		if (this.done) {
			callback.run();
			return;
		}
		this.callbacks.add(callback);
		if (this.thread == null) {
			this.thread = new Thread(this::run, "agent-endpoints-drain");
			// Daemon: the step's own bound ends it; it must never hold the JVM.
			this.thread.setDaemon(true);
			this.thread.start();
		}
	}

	private void run() {
		try {
			drain();
		}
		catch (RuntimeException | Error ex) {
			logger.error("Shutdown step 1 (endpoints) failed", ex);
		}
		finally {
			List<Runnable> waiting;
			synchronized (this) {
				this.done = true;
				waiting = List.copyOf(this.callbacks);
				this.callbacks.clear();
			}
			waiting.forEach(Runnable::run);
		}
	}

	private void drain() {
		List<RequestEndpoint> running = this.endpoints.stream().filter(RequestEndpoint::isRunning).toList();
		long started = System.nanoTime();
		for (RequestEndpoint endpoint : running) {
			logger.info("Shutdown step 1 (endpoints): endpoint '" + endpoint.name() + "' drains " + endpoint.inflight()
					+ " request(s) in flight, for up to " + this.drainTimeout.toMillis() + " ms");
			endpoint.shutdown();
		}
		if (!awaitTermination(running, started + this.drainTimeout.toNanos())) {
			running.forEach(RequestEndpoint::shutdownNow);
			awaitTermination(running, System.nanoTime() + this.flushBound.toNanos());
		}
		for (RequestEndpoint endpoint : running) {
			report(endpoint, started);
		}
	}

	private static boolean awaitTermination(List<RequestEndpoint> endpoints, long deadlineNanos) {
		boolean all = true;
		for (RequestEndpoint endpoint : endpoints) {
			all &= endpoint.awaitTermination(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
		}
		return all;
	}

	private void report(RequestEndpoint endpoint, long startedNanos) {
		long closed = endpoint.closedNanos();
		Duration took = Duration.ofNanos(((closed != 0) ? closed : System.nanoTime()) - startedNanos);
		InflightTable counts = endpoint.table();
		StepOutcome outcome = (counts.forced() > 0 || closed == 0) ? StepOutcome.TIMEOUT : StepOutcome.GRACEFUL;
		this.recorder.record(new StepRecord("endpoints", endpoint.name(), took, outcome, counts.drained(),
				counts.forced(), counts.rejected()));
		logger.info("Shutdown step 1 (endpoints): endpoint '" + endpoint.name() + "' done in " + took.toMillis()
				+ " ms (" + outcome.wireName() + "): drained " + counts.drained() + ", forced " + counts.forced()
				+ ", rejected " + counts.rejected());
	}

}
