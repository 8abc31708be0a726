package zmq;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import zmq.util.Errno;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mailbox's signaler must never leave its pipe readable while {@code waitEvent(0)} says
 * there is nothing: a socket's owner polls that pipe, and such a state makes every poll return
 * at once (a busy spin) until the writing thread runs again. Stock JeroMQ 0.6.0 writes the
 * byte before it counts it, and a reader in between sees exactly that state.
 */
// A stock JeroMQ can spin or hang here (that is the defect): fail, never hang the build.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalerRaceTests {

	@Test
	void aReadablePipeAlwaysHasASignalCounted() throws Exception {
		Ctx ctx = new Ctx();
		Signaler signaler = new Signaler(ctx, 1, new Errno());
		// Writers preempted between their write and their count open the window on a stock JeroMQ.
		int writers = 2;
		int signalsEach = 50_000;
		int signals = writers * signalsEach;
		AtomicInteger writing = new AtomicInteger(writers);
		List<Thread> threads = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			threads.add(new Thread(() -> {
				for (int i = 0; i < signalsEach; i++) {
					signaler.send();
				}
				writing.decrementAndGet();
			}, "signaler-writer-" + w));
		}
		int uncounted = 0;
		int received = 0;
		try (Selector selector = Selector.open()) {
			signaler.getFd().register(selector, SelectionKey.OP_READ);
			threads.forEach(Thread::start);
			while (received < signals) {
				// Blocking, as a socket's owner does in ZMQ.poll: the writer's byte wakes this thread,
				// and the kernel may run it at once, before the writer has counted the byte.
				boolean readable = selector.select(100) > 0;
				selector.selectedKeys().clear();
				boolean signalled = signaler.waitEvent(0);
				if (readable && !signalled) {
					uncounted++;
				}
				if (signalled) {
					signaler.recv();
					received++;
				}
				else if (writing.get() == 0 && !readable) {
					break;
				}
			}
			for (Thread thread : threads) {
				thread.join();
			}
		}
		finally {
			signaler.close();
			ctx.terminate();
		}
		assertThat(received).isEqualTo(signals);
		assertThat(uncounted).as("polls that found the pipe readable and no signal counted").isZero();
	}

}
