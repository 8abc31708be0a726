package dev.agentry.core.worker;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** Runs a task at a fixed rate until the stop; a failed run does not end the worker. */
final class PeriodicBody implements AgentWorker.Body {

	private static final Log logger = LogFactory.getLog(PeriodicBody.class);

	private final String name;

	private final Duration interval;

	private final AgentWorker.Task task;

	PeriodicBody(String name, Duration interval, AgentWorker.Task task) {
		this.name = name;
		this.interval = interval;
		this.task = task;
	}

	@Override
	public void run(WorkerContext context) {
		long next = System.nanoTime();
		while (context.isRunning()) {
			try {
				this.task.run();
			}
			catch (Exception ex) {
				logger.warn("Worker '" + this.name + "': a run failed; the next one is in " + this.interval.toMillis()
						+ " ms", ex);
			}
			next += this.interval.toNanos();
			long wait = next - System.nanoTime();
			if (wait < 0) {
				// Runs that took longer than the interval are not made up for in a burst.
				next = System.nanoTime();
				wait = 0;
			}
			if (!context.sleep(Duration.ofNanos(wait))) {
				return;
			}
		}
	}

}
