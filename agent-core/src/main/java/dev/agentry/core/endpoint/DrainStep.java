package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Step 1 of the shutdown, the drain policy in one place: it decides <em>when</em>, the
 * endpoints know <em>how</em>. Every endpoint stops taking new requests at once
 * ({@link RequestEndpoint#shutdown()}); those in flight get up to the drain timeout to
 * finish and be flushed; then what is left is forced ({@link RequestEndpoint#shutdownNow()})
 * and the last replies get the flush bound to go out. {@link RequestEndpoints}, the step's
 * lifecycle, runs it once on a thread of its own.
 */
final class DrainStep {

	private static final Log logger = LogFactory.getLog(DrainStep.class);

	private final List<RequestEndpoint> endpoints;

	private final Duration drainTimeout;

	private final Duration flushBound;

	/**
	 * @param drainTimeout how long requests in flight may take to finish ({@code agent.shutdown.drain-timeout})
	 * @param flushBound how long forcing what is left and flushing the last replies may take
	 */
	DrainStep(List<RequestEndpoint> endpoints, Duration drainTimeout, Duration flushBound) {
		this.endpoints = List.copyOf(endpoints);
		this.drainTimeout = drainTimeout;
		this.flushBound = flushBound;
	}

	/** Drains every running endpoint; each one's counts go to {@code parts}. */
	StepOutcome drain(Consumer<StepRecord> parts) {
		List<RequestEndpoint> running = this.endpoints.stream().filter(RequestEndpoint::isRunning).toList();
		long started = System.nanoTime();
		for (RequestEndpoint endpoint : running) {
			logger.info(Step.ENDPOINTS.prefix() + ": endpoint '" + endpoint.name() + "' drains " + endpoint.inflight()
					+ " request(s) in flight, for up to " + this.drainTimeout.toMillis() + " ms");
			endpoint.shutdown();
		}
		if (!awaitTermination(running, started + this.drainTimeout.toNanos())) {
			running.forEach(RequestEndpoint::shutdownNow);
			awaitTermination(running, System.nanoTime() + this.flushBound.toNanos());
		}
		StepOutcome outcome = StepOutcome.GRACEFUL;
		for (RequestEndpoint endpoint : running) {
			StepRecord record = report(endpoint, started);
			parts.accept(record);
			outcome = outcome.worst(record.outcome());
		}
		return outcome;
	}

	private static boolean awaitTermination(List<RequestEndpoint> endpoints, long deadlineNanos) {
		boolean all = true;
		for (RequestEndpoint endpoint : endpoints) {
			all &= endpoint.awaitTermination(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
		}
		return all;
	}

	private static StepRecord report(RequestEndpoint endpoint, long startedNanos) {
		long closed = endpoint.closedNanos();
		Duration took = Duration.ofNanos(((closed != 0) ? closed : System.nanoTime()) - startedNanos);
		InflightTable counts = endpoint.table();
		StepOutcome outcome = (counts.forced() > 0 || closed == 0) ? StepOutcome.TIMEOUT : StepOutcome.GRACEFUL;
		logger.info(Step.ENDPOINTS.prefix() + ": endpoint '" + endpoint.name() + "' done in " + took.toMillis()
				+ " ms (" + outcome.wireName() + "): drained " + counts.drained() + ", forced " + counts.forced()
				+ ", rejected " + counts.rejected());
		return new StepRecord(Step.ENDPOINTS.tag(), endpoint.name(), took, outcome, counts.drained(), counts.forced(),
				counts.rejected());
	}

}
