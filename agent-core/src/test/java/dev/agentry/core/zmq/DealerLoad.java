package dev.agentry.core.zmq;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Load for the poll-counting tests: {@code clients} DEALER peers, each on its own thread with
 * {@code window} requests in flight, until each has had {@code repliesEach} replies. It counts,
 * never times: the tests divide a loop's polls by the replies.
 */
public final class DealerLoad {

	private static final byte[] EMPTY = new byte[0];

	private DealerLoad() {
	}

	/** A request of about 100 bytes, as the reproducer sends. */
	public static byte[] request(String action) {
		String head = "{\"action\":\"" + action + "\",\"pad\":\"";
		return (head + "x".repeat(Math.max(0, 98 - head.length())) + "\"}").getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Drives the load and returns the replies received; throws when a reply does not come
	 * within 10 s (a lost reply, not a slow one).
	 */
	public static long drive(String endpoint, byte[] request, int clients, int window, int repliesEach) {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		try (ZContext context = new ZContext(1)) {
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				Thread thread = new Thread(() -> {
					ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
					try {
						dealer.setLinger(0);
						dealer.setReceiveTimeOut(10_000);
						dealer.connect(endpoint);
						for (int sent = 0; sent < window; sent++) {
							send(dealer, request);
						}
						for (int received = 0; received < repliesEach; received++) {
							byte[] first = dealer.recv(0);
							if (first == null) {
								throw new IllegalStateException("no reply within 10 s after " + received);
							}
							while (dealer.hasReceiveMore()) {
								dealer.recv(0);
							}
							if (received + window < repliesEach) {
								send(dealer, request);
							}
						}
					}
					catch (Throwable ex) {
						failure.compareAndSet(null, ex);
					}
					finally {
						dealer.close();
					}
				}, "dealer-load-" + i);
				thread.start();
				threads.add(thread);
			}
			for (Thread thread : threads) {
				try {
					thread.join();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
		}
		if (failure.get() != null) {
			throw new IllegalStateException(failure.get());
		}
		return (long) clients * repliesEach;
	}

	private static void send(ZMQ.Socket dealer, byte[] request) {
		dealer.send(EMPTY, ZMQ.SNDMORE);
		dealer.send(request, 0);
	}

}
