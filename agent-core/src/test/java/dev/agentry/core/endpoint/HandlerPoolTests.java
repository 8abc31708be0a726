package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.core.client.CallerSockets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hand-off to the handlers is batched: a burst of requests costs a signal per handler
 * at most, not one per request, and busy handlers take queued work without any. Counted,
 * never timed.
 */
class HandlerPoolTests {

	private static final int THREADS = 4;

	private static final int TASKS = 1_000;

	@Test
	void aBatchOfRequestsWakesEachIdleHandlerAboutOnce() throws Exception {
		HandlerPool pool = new HandlerPool(THREADS, "test-handler-");
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.idle() == THREADS);
			CountDownLatch done = new CountDownLatch(TASKS);
			List<Runnable> batch = new ArrayList<>(Collections.nCopies(TASKS, done::countDown));
			pool.handOff(batch);
			assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
			// One for the batch, then each woken handler wakes the next while work is left; a
			// race between a handler parking and another passing work on may add one or two.
			assertThat(pool.signals()).as("signals for %d requests", TASKS).isLessThanOrEqualTo(2 * THREADS);
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void busyHandlersTakeQueuedRequestsWithoutBeingSignalled() throws Exception {
		HandlerPool pool = new HandlerPool(THREADS, "test-handler-");
		CountDownLatch release = new CountDownLatch(1);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.idle() == THREADS);
			CountDownLatch running = new CountDownLatch(THREADS);
			List<Runnable> blocking = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				blocking.add(() -> {
					running.countDown();
					awaitQuietly(release);
				});
			}
			pool.handOff(blocking);
			assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			long before = pool.signals();
			AtomicInteger ran = new AtomicInteger();
			for (int i = 0; i < TASKS; i++) {
				// One request per pass, as a socket thread under light load hands them over.
				pool.handOff(List.of(ran::incrementAndGet));
			}
			assertThat(pool.signals() - before).as("signals while every handler was busy").isZero();
			release.countDown();
			await().atMost(Duration.ofSeconds(30)).until(() -> ran.get() == TASKS);
			assertThat(pool.signals() - before).as("signals for %d requests queued behind busy handlers", TASKS)
				.isLessThanOrEqualTo(THREADS);
		}
		finally {
			release.countDown();
			pool.shutdown();
		}
	}

	@Test
	void shutdownRunsWhatIsQueuedThenEndsEveryHandler() throws Exception {
		HandlerPool pool = new HandlerPool(THREADS, "test-handler-");
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger ran = new AtomicInteger();
		List<Runnable> batch = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			batch.add(() -> awaitQuietly(release));
		}
		for (int i = 0; i < TASKS; i++) {
			batch.add(ran::incrementAndGet);
		}
		pool.handOff(batch);
		pool.shutdown();
		release.countDown();
		await().atMost(Duration.ofSeconds(30)).until(() -> ran.get() == TASKS);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Thread.getAllStackTraces().keySet().stream()
				.noneMatch((thread) -> thread.getName().startsWith("test-handler-")));
	}

	/** A handler's synchronous client calls go on sockets of its own, which it closes as it ends. */
	@Test
	void handlersOwnTheSocketsOfTheirCalls() throws Exception {
		HandlerPool pool = new HandlerPool(THREADS, "test-handler-");
		try {
			CountDownLatch done = new CountDownLatch(THREADS);
			AtomicInteger owners = new AtomicInteger();
			List<Runnable> batch = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				batch.add(() -> {
					if (CallerSockets.ownsSockets()) {
						owners.incrementAndGet();
					}
					done.countDown();
				});
			}
			pool.handOff(batch);
			assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
			assertThat(owners).hasValue(THREADS);
		}
		finally {
			pool.shutdown();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
