package dev.agentry.core.shutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.core.metrics.AgentMetrics;

/**
 * Collects what every shutdown step did and how long it took, as each step finishes, and
 * times it in {@code agent_shutdown_phase_seconds}. Steps finish on different threads
 * (Spring's closing thread, socket loops, watchdogs), hence the locking.
 */
public final class ShutdownRecorder {

	private final ShutdownMetrics metrics;

	private final List<StepRecord> steps = new ArrayList<>();

	private Instant startedAt;

	private long startedNanos;

	private ShutdownReason reason;

	public ShutdownRecorder(AgentMetrics metrics) {
		this.metrics = new ShutdownMetrics(metrics.registry(), metrics.agent());
	}

	ShutdownMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Marks the beginning of the shutdown; only the first call counts.
	 * @return whether this call began it
	 */
	public synchronized boolean begin(ShutdownReason reason) {
		if (this.startedAt != null) {
			return false;
		}
		this.startedAt = Instant.now();
		this.startedNanos = System.nanoTime();
		this.reason = reason;
		return true;
	}

	public synchronized boolean hasBegun() {
		return this.startedAt != null;
	}

	public void record(String step, String component, Duration duration, StepOutcome outcome) {
		record(new StepRecord(step, component, duration, outcome, null, null, null));
	}

	public void record(StepRecord record) {
		synchronized (this) {
			this.steps.add(record);
		}
		this.metrics.step(record.step(), record.component(), record.outcome(), record.duration());
	}

	public synchronized Instant startedAt() {
		return this.startedAt;
	}

	public synchronized ShutdownReason reason() {
		return this.reason;
	}

	/** Time since {@link #begin}, or zero when no shutdown has begun. */
	public synchronized Duration elapsed() {
		return (this.startedAt != null) ? Duration.ofNanos(System.nanoTime() - this.startedNanos) : Duration.ZERO;
	}

	public synchronized List<StepRecord> steps() {
		return List.copyOf(this.steps);
	}

}
