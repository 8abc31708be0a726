package dev.agentry.core.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * A background thread of an agent (heartbeats, metrics, clean-up), declared as a bean and
 * managed by agent-core: started with the context, signalled and joined at step 3. A
 * worker ends by returning from {@link #run}; it learns of the stop from
 * {@link WorkerContext#isRunning()} or from {@link WorkerContext#sleep} returning early.
 */
public interface AgentWorker {

	/** The worker's name, in its thread's name, the logs and {@code agent_worker_join_timeouts_total}. */
	String name();

	/** The worker's body; runs once on its own thread. */
	void run(WorkerContext context) throws Exception;

	/** A loop: {@code body} runs again and again until the stop, with no pause between runs. */
	static AgentWorker loop(String name, Body body) {
		Objects.requireNonNull(body, "body");
		return of(name, (context) -> {
			while (context.isRunning()) {
				body.run(context);
			}
		});
	}

	/**
	 * A periodic task: {@code task} runs every {@code interval} until the stop. A run that
	 * throws is logged and the next one still happens.
	 */
	static AgentWorker periodic(String name, Duration interval, Task task) {
		Objects.requireNonNull(task, "task");
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("The interval of worker '" + name + "' must be positive");
		}
		return of(name, new PeriodicBody(name, interval, task));
	}

	/** A worker from a name and a body. */
	static AgentWorker of(String name, Body body) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(body, "body");
		return new AgentWorker() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public void run(WorkerContext context) throws Exception {
				body.run(context);
			}

			@Override
			public String toString() {
				return "AgentWorker[" + name + "]";
			}

		};
	}

	/** What a worker does with its context. */
	@FunctionalInterface
	interface Body {

		void run(WorkerContext context) throws Exception;

	}

	/** One run of a periodic task. */
	@FunctionalInterface
	interface Task {

		void run() throws Exception;

	}

}
