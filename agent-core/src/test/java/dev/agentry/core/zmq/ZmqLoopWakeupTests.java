package dev.agentry.core.zmq;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Completions are taken in batches: while the loop works, hand-overs from other threads cost
 * no signal, and whatever came meanwhile is taken in one more pass without a wait. Counted,
 * never timed.
 */
class ZmqLoopWakeupTests {

	private static final int PRODUCERS = 4;

	private static final int ITEMS_EACH = 250;

	@Test
	void handOversWhileTheLoopWorksCostNoSignalAndAreTakenInOnePass() throws Exception {
		try (ZContext context = new ZContext(1)) {
			HoldingLoop loop = new HoldingLoop(context);
			loop.start(Duration.ofSeconds(5));
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> loop.polls() == 1);
				// One item while the loop waits: one signal, and the loop holds in that pass.
				loop.queue.add(0);
				loop.wakeup();
				assertThat(loop.holding.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(loop.signals()).isEqualTo(1);
				Thread[] producers = new Thread[PRODUCERS];
				for (int i = 0; i < PRODUCERS; i++) {
					producers[i] = new Thread(() -> {
						for (int item = 0; item < ITEMS_EACH; item++) {
							loop.queue.add(item);
							loop.wakeup();
						}
					});
					producers[i].start();
				}
				for (Thread producer : producers) {
					producer.join();
				}
				assertThat(loop.signals()).as("signals while the loop worked").isEqualTo(1);
				loop.release.countDown();
				await().atMost(Duration.ofSeconds(10)).until(() -> loop.taken.get() == 1 + PRODUCERS * ITEMS_EACH);
				assertThat(loop.batches).as("items taken per pass").containsExactly(1, PRODUCERS * ITEMS_EACH);
				assertThat(loop.pollsAtPass).as("waits counted when each pass began: none in between").hasSize(2)
					.containsOnly(loop.pollsAtPass.get(0));
				assertThat(loop.signals()).isEqualTo(1);
			}
			finally {
				loop.release.countDown();
				loop.requestStop();
				assertThat(loop.awaitTermination(Duration.ofSeconds(10))).isTrue();
			}
		}
	}

	private static final class HoldingLoop extends ZmqLoop {

		final ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();

		final AtomicInteger taken = new AtomicInteger();

		final List<Integer> batches = new CopyOnWriteArrayList<>();

		final List<Long> pollsAtPass = new CopyOnWriteArrayList<>();

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		HoldingLoop(ZContext context) {
			super("holding-loop", context, (failure) -> {
			});
		}

		@Override
		protected void open(SocketPoller poller) {
		}

		@Override
		protected void onPoll(SocketPoller poller) {
			int batch = 0;
			while (this.queue.poll() != null) {
				batch++;
			}
			if (batch == 0) {
				return;
			}
			this.batches.add(batch);
			this.pollsAtPass.add(polls());
			this.taken.addAndGet(batch);
			if (this.batches.size() == 1) {
				// The first pass with work stays busy: what comes meanwhile must wait for it.
				this.holding.countDown();
				try {
					this.release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}



		@Override
		protected void close() {
		}

	}

}
