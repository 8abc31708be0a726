package zmq;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicBoolean;

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
		int signals = 200_000;
		AtomicBoolean writing = new AtomicBoolean(true);
		Thread writer = new Thread(() -> {
			for (int i = 0; i < signals; i++) {
				signaler.send();
			}
			writing.set(false);
		}, "signaler-writer");
		int uncounted = 0;
		int received = 0;
		try (Selector selector = Selector.open()) {
			signaler.getFd().register(selector, SelectionKey.OP_READ);
			writer.start();
			while (received < signals) {
				boolean readable = selector.selectNow() > 0;
				selector.selectedKeys().clear();
				boolean signalled = signaler.waitEvent(0);
				if (readable && !signalled) {
					uncounted++;
				}
				if (signalled) {
					signaler.recv();
					received++;
				}
				else if (!writing.get() && !readable) {
					break;
				}
			}
			writer.join();
		}
		finally {
			signaler.close();
			ctx.terminate();
		}
		assertThat(received).isEqualTo(signals);
		assertThat(uncounted).as("polls that found the pipe readable and no signal counted").isZero();
	}

}
