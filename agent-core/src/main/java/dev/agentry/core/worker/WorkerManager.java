package dev.agentry.core.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the agent's {@link AgentWorker}s, one thread each, and stops them at step 3: every
 * worker is signalled at once (stop flag and wake-up), then all are joined against one
 * deadline of {@code agent.shutdown.worker-join-timeout}. A worker is never interrupted: it
 * may own a ZMQ socket, which an interrupt breaks. One that does not end in time is
 * abandoned (its thread is a daemon), logged and counted.
 */
public final class WorkerManager implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(WorkerManager.class);

	private final List<AgentWorker> workers;

	private final Duration joinTimeout;

	private final AgentMetrics metrics;

	private final ShutdownRecorder recorder;

	private final Map<AgentWorker, Running> running = new LinkedHashMap<>();

	private boolean started;

	private boolean stopped;

	public WorkerManager(List<AgentWorker> workers, Duration joinTimeout, AgentMetrics metrics,
			ShutdownRecorder recorder) {
		this.workers = List.copyOf(workers);
		this.joinTimeout = joinTimeout;
		this.metrics = metrics;
		this.recorder = recorder;
	}

	@Override
	public synchronized void start() {
		if (this.started) {
			return;
		}
		this.started = true;
		for (AgentWorker worker : this.workers) {
			WorkerContext context = new WorkerContext();
			Thread thread = new Thread(() -> runWorker(worker, context), "agent-worker-" + worker.name());
			thread.setDaemon(true);
			this.running.put(worker, new Running(thread, context));
			thread.start();
		}
		if (!this.workers.isEmpty()) {
			logger.info("Started " + this.workers.size() + " worker(s): " + names());
		}
	}

	@Override
	public void stop() {
		List<Map.Entry<AgentWorker, Running>> toJoin;
		synchronized (this) {
			if (!this.started || this.stopped) {
				return;
			}
			this.stopped = true;
			toJoin = new ArrayList<>(this.running.entrySet());
		}
		logger.info("Shutdown step 3 (workers): signalling " + toJoin.size() + " worker(s), joining each for up to "
				+ this.joinTimeout.toMillis() + " ms");
		long stepStart = System.nanoTime();
		if (toJoin.isEmpty()) {
			// The step is in every report, so that a report shows the whole sequence ran.
			this.recorder.record("workers", "none", Duration.ofNanos(System.nanoTime() - stepStart),
					StepOutcome.GRACEFUL);
		}
		toJoin.forEach((entry) -> entry.getValue().context().signalStop());
		long deadline = stepStart + this.joinTimeout.toNanos();
		for (Map.Entry<AgentWorker, Running> entry : toJoin) {
			String name = entry.getKey().name();
			Thread thread = entry.getValue().thread();
			boolean ended = join(thread, deadline);
			Duration took = Duration.ofNanos(System.nanoTime() - stepStart);
			if (ended) {
				// A worker that died earlier on an exception is a failure the report must show.
				StepOutcome outcome = entry.getValue().context().failed() ? StepOutcome.ERROR : StepOutcome.GRACEFUL;
				this.recorder.record("workers", name, took, outcome);
				logger.info("Shutdown step 3 (workers): worker '" + name + "' ended after " + took.toMillis() + " ms");
			}
			else {
				this.metrics.workerJoinTimeout(name);
				this.recorder.record("workers", name, took, StepOutcome.TIMEOUT);
				logger.warn("Shutdown step 3 (workers): worker '" + name + "' did not end within "
						+ this.joinTimeout.toMillis() + " ms; abandoned (thread " + thread.getName() + ", state "
						+ thread.getState() + ")");
			}
		}
		logger.info("Shutdown step 3 (workers) done in "
				+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stepStart) + " ms");
	}

	@Override
	public void destroy() {
		stop();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.started && !this.stopped;
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
