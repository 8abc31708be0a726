package dev.agentry.core.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.client.CallerSockets;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * Runs the agent's {@link AgentWorker}s, one thread each, and stops them at step 3: every
 * worker is signalled at once (stop flag and wake-up), then all are joined against one
 * deadline of {@code agent.shutdown.worker-join-timeout}. A worker is never interrupted: it
 * may own a ZMQ socket, which an interrupt breaks. One that does not end in time is
 * abandoned (its thread is a daemon), logged and counted.
 */
final class WorkerManager extends ShutdownStep implements DisposableBean {

	private static final Log logger = LogFactory.getLog(WorkerManager.class);

	private final List<AgentWorker> workers;

	private final Duration joinTimeout;

	private final AgentMetrics metrics;

	/** Filled by {@link #doStart()} and read by the stop, both under the base's lock or after it. */
	private final Map<AgentWorker, Running> running = new LinkedHashMap<>();

	public WorkerManager(List<AgentWorker> workers, Duration joinTimeout, AgentMetrics metrics,
			ShutdownRecorder recorder) {
		// Every worker is recorded as a part of its own, under its name.
		super(Step.WORKERS, null, null, recorder, joinTimeout);
		this.workers = List.copyOf(workers);
		this.joinTimeout = joinTimeout;
		this.metrics = metrics;
	}

	@Override
	protected void doStart() {
		for (AgentWorker worker : this.workers) {
			WorkerContext context = new WorkerContext();
			Thread thread = new Thread(() -> CallerSockets.run(() -> runWorker(worker, context)),
					"agent-worker-" + worker.name());
			thread.setDaemon(true);
			this.running.put(worker, new Running(thread, context));
			thread.start();
		}
		if (!this.workers.isEmpty()) {
			logger.info("Started " + this.workers.size() + " worker(s): " + names());
		}
	}

	@Override
	protected String stopping() {
		return "signalling " + this.running.size() + " worker(s), joining each for up to "
				+ this.joinTimeout.toMillis() + " ms";
	}

	@Override
	protected StepOutcome doStop(Completion step) {
		List<Map.Entry<AgentWorker, Running>> toJoin = new ArrayList<>(this.running.entrySet());
		if (toJoin.isEmpty()) {
			// The step is in every report, so that a report shows the whole sequence ran.
			step.part("none", StepOutcome.GRACEFUL);
			return StepOutcome.GRACEFUL;
		}
		toJoin.forEach((entry) -> entry.getValue().context().signalStop());
		long deadline = System.nanoTime() + this.joinTimeout.toNanos();
		StepOutcome outcome = StepOutcome.GRACEFUL;
		for (Map.Entry<AgentWorker, Running> entry : toJoin) {
			String name = entry.getKey().name();
			Thread thread = entry.getValue().thread();
			if (join(thread, deadline)) {
				// A worker that died earlier on an exception is a failure the report must show.
				StepOutcome ended = entry.getValue().context().failed() ? StepOutcome.ERROR : StepOutcome.GRACEFUL;
				step.part(name, ended);
				outcome = outcome.worst(ended);
				logger.info(Step.WORKERS.prefix() + ": worker '" + name + "' ended after " + step.elapsed().toMillis()
						+ " ms");
			}
			else {
				this.metrics.workerJoinTimeout(name);
				step.part(name, StepOutcome.TIMEOUT);
				outcome = outcome.worst(StepOutcome.TIMEOUT);
				logger.warn(Step.WORKERS.prefix() + ": worker '" + name + "' did not end within "
						+ this.joinTimeout.toMillis() + " ms; abandoned (thread " + thread.getName() + ", state "
						+ thread.getState() + ")");
			}
		}
		return outcome;
	}

	@Override
	public void destroy() {
		stop();
	}

	@Override
	public int getPhase() {
		return AgentPhases.WORKERS;
	}

	private String names() {
		return this.workers.stream().map(AgentWorker::name).toList().toString();
	}

	private static boolean join(Thread thread, long deadlineNanos) {
		try {
			long left = deadlineNanos - System.nanoTime();
			if (left > 0) {
				TimeUnit.NANOSECONDS.timedJoin(thread, left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return !thread.isAlive();
	}

	private static void runWorker(AgentWorker worker, WorkerContext context) {
		try {
			worker.run(context);
			if (context.isRunning()) {
				logger.warn("Worker '" + worker.name() + "' returned before the agent stopped");
			}
		}
		catch (Exception | LinkageError | AssertionError ex) {
			context.markFailed();
			logger.error("Worker '" + worker.name() + "' failed and ended", ex);
		}
	}

	private record Running(Thread thread, WorkerContext context) {
	}

}
