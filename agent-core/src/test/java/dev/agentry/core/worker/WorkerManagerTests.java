package dev.agentry.core.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.client.CallerSockets;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class WorkerManagerTests {

	private static final Duration JOIN_TIMEOUT = Duration.ofMillis(300);

	private static final Duration GENEROUS = Duration.ofSeconds(10);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AgentMetrics metrics = new AgentMetrics(this.registry, "test-agent");

	private final ShutdownRecorder recorder = new ShutdownRecorder(this.metrics);

	/** Lets workers that ignore their stop end, once the test is done with them. */
	private final AtomicBoolean release = new AtomicBoolean();

	private final List<WorkerManager> managers = new ArrayList<>();

	@AfterEach
	void releaseAndStopEverything() {
		this.release.set(true);
		this.managers.forEach(WorkerManager::stop);
	}

	@Test
	void periodicWorkerRunsUntilStopAndEndsGracefully() {
		AtomicInteger runs = new AtomicInteger();
		AtomicReference<Thread> workerThread = new AtomicReference<>();
		AtomicBoolean ownsSockets = new AtomicBoolean();
		WorkerManager manager = manager(Duration.ofSeconds(10), AgentWorker.periodic("ticker", Duration.ofMillis(10), () -> {
			workerThread.set(Thread.currentThread());
			// Its synchronous client calls go on sockets of its own, closed as it ends.
			ownsSockets.set(CallerSockets.ownsSockets());
			runs.incrementAndGet();
		}));
		manager.start();
		assertThat(manager.isRunning()).isTrue();
		await().atMost(GENEROUS).until(() -> runs.get() >= 3);
		assertThat(ownsSockets).isTrue();
		manager.stop();
		assertThat(manager.isRunning()).isFalse();
		assertThat(workerThread.get().isAlive()).isFalse();
		assertThat(workerThread.get().getName()).isEqualTo("agent-worker-ticker");
		assertThat(this.recorder.steps()).extracting(StepRecord::step, StepRecord::component, StepRecord::outcome)
			.containsExactly(tuple("workers", "ticker", StepOutcome.GRACEFUL));
		assertThat(this.registry.find("agent.worker.join.timeouts").counters()).isEmpty();
	}

	@Test
	void workerSleepingInItsContextIsWokenByTheStopWithoutWaitingOutItsSleep() {
		CountDownLatch sleeping = new CountDownLatch(1);
		AtomicReference<Boolean> sleepResult = new AtomicReference<>();
		WorkerManager manager = manager(Duration.ofSeconds(30), AgentWorker.of("sleeper", (context) -> {
			sleeping.countDown();
			sleepResult.set(context.sleep(Duration.ofDays(1)));
		}));
		manager.start();
		await().atMost(GENEROUS).until(() -> sleeping.getCount() == 0);
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(manager::stop);
		await().atMost(GENEROUS).until(stopped::isDone);
		assertThat(sleepResult.get()).isFalse();
		assertThat(this.recorder.steps()).extracting(StepRecord::component, StepRecord::outcome)
			.containsExactly(tuple("sleeper", StepOutcome.GRACEFUL));
	}

	@Test
	void workerThatIgnoresTheStopIsAbandonedAfterTheJoinTimeoutAndCounted() {
		CountDownLatch running = new CountDownLatch(1);
		AtomicReference<Thread> workerThread = new AtomicReference<>();
		WorkerManager manager = manager(JOIN_TIMEOUT, AgentWorker.of("stubborn", (context) -> {
			workerThread.set(Thread.currentThread());
			running.countDown();
			ignoreTheStopUntilReleased(new AtomicBoolean());
		}));
		manager.start();
		await().atMost(GENEROUS).until(() -> running.getCount() == 0);
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(manager::stop);
		await().atMost(JOIN_TIMEOUT.plus(GENEROUS)).until(stopped::isDone);
		assertThat(stopped).isCompleted();
		assertThat(manager.isRunning()).isFalse();
		assertThat(workerThread.get().isAlive()).as("the abandoned worker's thread").isTrue();
		assertThat(workerThread.get().isDaemon()).isTrue();
		assertThat(this.registry.get("agent.worker.join.timeouts")
			.tags("agent", "test-agent", "worker", "stubborn")
			.counter()
			.count()).isEqualTo(1);
		assertThat(this.recorder.steps()).singleElement().satisfies((step) -> {
			assertThat(step.step()).isEqualTo("workers");
			assertThat(step.component()).isEqualTo("stubborn");
			assertThat(step.outcome()).isEqualTo(StepOutcome.TIMEOUT);
			assertThat(step.duration()).isGreaterThanOrEqualTo(JOIN_TIMEOUT);
		});
		assertThat(this.registry.get("agent.shutdown.phase")
			.tags("step", "workers", "component", "stubborn", "outcome", "timeout")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void stubbornWorkerDoesNotKeepTheOthersFromEndingGracefully() {
		CountDownLatch running = new CountDownLatch(2);
		AgentWorker stubborn = AgentWorker.of("stubborn", (context) -> {
			running.countDown();
			ignoreTheStopUntilReleased(new AtomicBoolean());
		});
		AgentWorker polite = AgentWorker.of("polite", (context) -> {
			running.countDown();
			while (context.sleep(Duration.ofMillis(10))) {
				// Waits for the stop.
			}
		});
		WorkerManager manager = manager(JOIN_TIMEOUT, stubborn, polite);
		manager.start();
		await().atMost(GENEROUS).until(() -> running.getCount() == 0);
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(manager::stop);
		await().atMost(JOIN_TIMEOUT.plus(GENEROUS)).until(stopped::isDone);
		assertThat(this.recorder.steps()).extracting(StepRecord::component, StepRecord::outcome)
			.containsExactlyInAnyOrder(tuple("stubborn", StepOutcome.TIMEOUT), tuple("polite", StepOutcome.GRACEFUL));
		assertThat(this.registry.find("agent.worker.join.timeouts").tag("worker", "polite").counter()).isNull();
	}

	@Test
	void stopIsIdempotent() {
		WorkerManager manager = manager(JOIN_TIMEOUT, AgentWorker.periodic("ticker", Duration.ofMillis(10), () -> {
		}));
		manager.start();
		manager.stop();
		manager.stop();
		manager.destroy();
		assertThat(manager.isRunning()).isFalse();
		assertThat(this.recorder.steps()).extracting(StepRecord::component).containsExactly("ticker");
	}

	@Test
	void stopIsIdempotentForAWorkerThatWasAbandoned() {
		CountDownLatch running = new CountDownLatch(1);
		WorkerManager manager = manager(JOIN_TIMEOUT, AgentWorker.of("stubborn", (context) -> {
			running.countDown();
			ignoreTheStopUntilReleased(new AtomicBoolean());
		}));
		manager.start();
		await().atMost(GENEROUS).until(() -> running.getCount() == 0);
		manager.stop();
		manager.stop();
		assertThat(this.registry.get("agent.worker.join.timeouts").tag("worker", "stubborn").counter().count())
			.isEqualTo(1);
		assertThat(this.recorder.steps()).hasSize(1);
	}

	@Test
	void stopBeforeStartDoesNothing() {
		AtomicInteger runs = new AtomicInteger();
		WorkerManager manager = manager(JOIN_TIMEOUT, AgentWorker.periodic("ticker", Duration.ofMillis(10),
				runs::incrementAndGet));
		manager.stop();
		assertThat(manager.isRunning()).isFalse();
		assertThat(this.recorder.steps()).isEmpty();
		assertThat(runs).hasValue(0);
	}

	@Test
	void startIsIdempotent() {
		AtomicInteger started = new AtomicInteger();
		WorkerManager manager = manager(Duration.ofSeconds(10), AgentWorker.of("once", (context) -> {
			started.incrementAndGet();
			while (context.sleep(Duration.ofMillis(10))) {
				// Waits for the stop.
			}
		}));
		manager.start();
		manager.start();
		await().atMost(GENEROUS).until(() -> started.get() >= 1);
		manager.stop();
		assertThat(started).hasValue(1);
		assertThat(this.recorder.steps()).hasSize(1);
	}

	@Test
	void withoutWorkersStopStillRecordsTheWorkersStep() {
		WorkerManager manager = manager(JOIN_TIMEOUT);
		manager.start();
		manager.stop();
		assertThat(this.recorder.steps()).extracting(StepRecord::step, StepRecord::component, StepRecord::outcome)
			.containsExactly(tuple("workers", "none", StepOutcome.GRACEFUL));
	}

	@Test
	void loopWorkerThatThrowsDoesNotKillTheManagerOrTheOtherWorkers() {
		CountDownLatch thrown = new CountDownLatch(1);
		AtomicInteger otherRuns = new AtomicInteger();
		AgentWorker failing = AgentWorker.loop("failing", (context) -> {
			thrown.countDown();
			throw new IllegalStateException("boom");
		});
		AgentWorker other = AgentWorker.periodic("other", Duration.ofMillis(10), otherRuns::incrementAndGet);
		WorkerManager manager = manager(Duration.ofSeconds(10), failing, other);
		manager.start();
		await().atMost(GENEROUS).until(() -> thrown.getCount() == 0);
		int runsAfterFailure = otherRuns.get();
		await().atMost(GENEROUS).until(() -> otherRuns.get() > runsAfterFailure + 2);
		assertThat(manager.isRunning()).isTrue();
		manager.stop();
		assertThat(manager.isRunning()).isFalse();
		assertThat(this.recorder.steps()).extracting(StepRecord::component).containsExactlyInAnyOrder("failing", "other");
		assertThat(this.recorder.steps()).filteredOn((step) -> step.component().equals("other"))
			.extracting(StepRecord::outcome)
			.containsExactly(StepOutcome.GRACEFUL);
		assertThat(this.registry.find("agent.worker.join.timeouts").counters()).isEmpty();
	}

	@Test
	void periodicTaskThatThrowsRunsAgainOnItsNextPeriod() {
		AtomicInteger runs = new AtomicInteger();
		WorkerManager manager = manager(Duration.ofSeconds(10), AgentWorker.periodic("flaky", Duration.ofMillis(10), () -> {
			runs.incrementAndGet();
			throw new IllegalStateException("every run fails");
		}));
		manager.start();
		await().atMost(GENEROUS).until(() -> runs.get() >= 3);
		manager.stop();
		assertThat(this.recorder.steps()).extracting(StepRecord::component, StepRecord::outcome)
			.containsExactly(tuple("flaky", StepOutcome.GRACEFUL));
	}

	@Test
	void workerThatEndsGracefullyIsNeverInterrupted() {
		AtomicReference<Boolean> interruptedAfterStop = new AtomicReference<>();
		CountDownLatch running = new CountDownLatch(1);
		WorkerManager manager = manager(Duration.ofSeconds(10), AgentWorker.of("polite", (context) -> {
			running.countDown();
			while (context.isRunning()) {
				context.sleep(Duration.ofMillis(5));
			}
			interruptedAfterStop.set(Thread.interrupted());
		}));
		manager.start();
		await().atMost(GENEROUS).until(() -> running.getCount() == 0);
		manager.stop();
		await().atMost(GENEROUS).until(() -> interruptedAfterStop.get() != null);
		assertThat(interruptedAfterStop.get()).isFalse();
	}

	@Test
	void abandonedWorkerIsNeverInterrupted() {
		AtomicBoolean interrupted = new AtomicBoolean();
		AtomicReference<Boolean> interruptedAtEnd = new AtomicReference<>();
		CountDownLatch running = new CountDownLatch(1);
		WorkerManager manager = manager(JOIN_TIMEOUT, AgentWorker.of("stubborn", (context) -> {
			running.countDown();
			ignoreTheStopUntilReleased(interrupted);
			interruptedAtEnd.set(Thread.interrupted());
		}));
		manager.start();
		await().atMost(GENEROUS).until(() -> running.getCount() == 0);
		manager.stop();
		manager.destroy();
		this.release.set(true);
		await().atMost(GENEROUS).until(() -> interruptedAtEnd.get() != null);
		assertThat(interrupted).isFalse();
		assertThat(interruptedAtEnd.get()).isFalse();
	}

	@Test
	void isInTheWorkersPhase() {
		assertThat(manager(JOIN_TIMEOUT).getPhase()).isEqualTo(AgentPhases.WORKERS);
	}

	private WorkerManager manager(Duration joinTimeout, AgentWorker... workers) {
		WorkerManager manager = new WorkerManager(List.of(workers), joinTimeout, this.metrics, this.recorder);
		this.managers.add(manager);
		return manager;
	}

	/**
	 * Keeps going, as a worker that never looks at its context would, until the test releases
	 * it; notes any interrupt, which parkNanos would return early for.
	 */
	private void ignoreTheStopUntilReleased(AtomicBoolean interrupted) {
		while (!this.release.get()) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
			if (Thread.interrupted()) {
				interrupted.set(true);
			}
		}
	}

}
