package dev.agentry.core.client;

import java.time.Duration;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * One wait of a back-off, with the execution that gives the next one. Kept by hand next to
 * Spring's {@link BackOffExecution} because an execution hands out each wait once and cannot
 * tell it again, while the client needs it again: to know when the wait is over, and to log it.
 */
record BackOffWait(Duration duration, BackOffExecution execution) {

	static BackOffWait first(BackOff backOff) {
		BackOffExecution execution = backOff.start();
		return new BackOffWait(Duration.ofMillis(execution.nextBackOff()), execution);
	}

	/** The wait after this one. Asked once per wait: it moves the execution on. */
	BackOffWait next() {
		long next = this.execution.nextBackOff();
		// The client's back-offs have no limit; were one given, its last wait would stay.
		return new BackOffWait((next == BackOffExecution.STOP) ? this.duration : Duration.ofMillis(next),
				this.execution);
	}

}
