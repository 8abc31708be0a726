package dev.agentry.core.zmq;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The performance issue's minimal reproducer, kept: a ROUTER whose requests are handled on
 * four other threads, which hand their replies back through a queue and the loop's wake-up;
 * four DEALER peers with two requests in flight each, 100 bytes. A loop that spins polls
 * dozens of times per message (87 on stock JeroMQ with a NIO wake-up pipe); one that sleeps
 * until there is work polls about once. Counted, never timed.
 */
class ZmqLoopSpinTests {

	/** Polls per message above which the loop is taken to spin. */
	static final double MAX_POLLS_PER_MESSAGE = 5;

	@Test
	void aLoopWithHandlerThreadsPollsAFewTimesPerMessageUnderLoad() {
		try (ZContext context = new ZContext(1)) {
			EchoLoop loop = new EchoLoop(context);
			loop.start(Duration.ofSeconds(10));
			try {
				byte[] request = DealerLoad.request("echo");
				// Warm-up: connections and handshakes are not what is counted.
				DealerLoad.drive(loop.endpoint, request, 4, 2, 500);
				long before = loop.polls();
				long replies = DealerLoad.drive(loop.endpoint, request, 4, 2, 5_000);
				double perMessage = (double) (loop.polls() - before) / replies;
				System.out.println("ZmqLoopSpinTests " + (loop.polls() - before) + " polls, " + replies + " messages");
				assertThat(perMessage).as("polls per message (%d polls for %d replies)", loop.polls() - before, replies)
					.isLessThanOrEqualTo(MAX_POLLS_PER_MESSAGE);
			}
			finally {
				loop.requestStop();
				assertThat(loop.awaitTermination(Duration.ofSeconds(10))).isTrue();
			}
		}
	}

	/** As the request endpoint does it: receive, hand over to a pool, send what came back. */
	private static final class EchoLoop extends ZmqLoop {

		private final ExecutorService handlers = Executors.newFixedThreadPool(4);

		private final Queue<Envelope> completions = new ConcurrentLinkedQueue<>();

		private ZMQ.Socket router;

		volatile String endpoint;

		EchoLoop(ZContext context) {
			super("echo-loop", context, (failure) -> {
			});
		}

		@Override
		protected void open(SocketPoller poller) {
			this.router = context().createSocket(SocketType.ROUTER);
			this.router.setLinger(0);
			this.router.bind("tcp://127.0.0.1:*");
			this.endpoint = this.router.getLastEndpoint();
			poller.register(this.router, SocketPoller.POLLIN);
		}

		@Override
		protected void onPoll(SocketPoller poller) {
			Envelope reply;
			while ((reply = this.completions.poll()) != null) {
				reply.reply(this.router, reply.singleBody());
			}
			for (int i = 0; i < 256; i++) {
				Envelope request = Envelope.receive(this.router);
				if (request == null) {
					break;
				}
				this.handlers.execute(() -> {
					this.completions.add(request);
					wakeup();
				});
			}
		}

		@Override
		protected boolean hasPendingWork() {
			return !this.completions.isEmpty();
		}



		@Override
		protected void close() {
			this.handlers.shutdown();
			this.router.close();
		}

	}

}
