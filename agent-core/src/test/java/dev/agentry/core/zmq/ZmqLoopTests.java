package dev.agentry.core.zmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop's thread hand-over: work queued by other threads and a wake-up is always taken. */
class ZmqLoopTests {

	private static final int PRODUCERS = 4;

	private static final int ITEMS_EACH = 50_000;

	@Test
	void everyWakeUpIsHonouredUnderContention() throws Exception {
		try (ZContext context = new ZContext(1)) {
			CountingLoop loop = new CountingLoop(context, PRODUCERS * ITEMS_EACH);
			loop.start(Duration.ofSeconds(5));
			List<Thread> producers = new ArrayList<>();
			for (int i = 0; i < PRODUCERS; i++) {
				Thread producer = new Thread(() -> {
					for (int item = 0; item < ITEMS_EACH; item++) {
						loop.queue.add(item);
						loop.wakeup();
					}
				});
				producer.start();
				producers.add(producer);
			}
			for (Thread producer : producers) {
				producer.join();
			}
			// The loop only ever sleeps in an unbounded poll: a lost wake-up leaves it asleep
			// with work queued, and it never finishes.
			assertThat(loop.awaitTermination(Duration.ofSeconds(30)))
				.as("taken %d of %d", loop.taken.get(), PRODUCERS * ITEMS_EACH)
				.isTrue();
		}
	}

	private static final class CountingLoop extends ZmqLoop {

		final ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();

		final AtomicLong taken = new AtomicLong();

		private final long expected;

		CountingLoop(ZContext context, long expected) {
			super("counting-loop", context, (failure) -> {
			});
			this.expected = expected;
		}

		@Override
		protected void open(SocketPoller poller) {
		}

		@Override
		protected void onPoll(SocketPoller poller) {
			while (this.queue.poll() != null) {
				this.taken.incrementAndGet();
			}
		}


		@Override
		protected boolean finished() {
			return this.taken.get() == this.expected;
		}

		@Override
		protected void close() {
		}

	}

}
