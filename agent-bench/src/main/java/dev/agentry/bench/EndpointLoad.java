package dev.agentry.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.agentry.test.ZmqTestClient;
import org.zeromq.ZMQ;

/**
 * The client side of the endpoint benchmarks, identical for the agent and for raw JeroMQ:
 * the same request bytes, the same sockets, the same pattern.
 */
final class EndpointLoad {

	/** The request: an {@code echo} padded to {@value #MESSAGE_BYTES} bytes in all. */
	static final int MESSAGE_BYTES = 100;

	private static final byte[] EMPTY = new byte[0];

	private EndpointLoad() {
	}

	/** The endpoint benchmarks' request, the same bytes for the agent and for raw JeroMQ. */
	static byte[] echo(String id) {
		String head = "{\"action\":\"echo\",\"id\":\"" + id + "\",\"pad\":\"";
		String tail = "\"}";
		int pad = Math.max(0, MESSAGE_BYTES - head.length() - tail.length());
		return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
	}

	/** Measurements in a row that may be spoilt by a stalled connection before the benchmark gives up. */
	private static final int ATTEMPTS = 3;

	/**
	 * Replies per second: {@code clients} DEALER connections, each on its own thread with
	 * {@code window} requests in flight, counted over {@code measure} after {@code warmUp}.
	 * A connection that gets no reply for 5 s (JeroMQ now and then stalls one) spoils the
	 * measurement: it is said so and measured again, rather than counted as a slow figure.
	 */
	static double throughput(String endpoint, byte[] request, int clients, int window, Duration warmUp,
			Duration measure) throws InterruptedException {
		for (int attempt = 1;; attempt++) {
			AtomicInteger stalled = new AtomicInteger();
			double rate = throughputOnce(endpoint, request, clients, window, warmUp, measure, stalled);
			if (stalled.get() == 0) {
				return rate;
			}
			if (attempt == ATTEMPTS) {
				throw new IllegalStateException(endpoint + ": a connection got no reply for 5 s in " + ATTEMPTS
						+ " measurements in a row");
			}
			System.out.println("[bench] " + endpoint + ": " + stalled.get()
					+ " connection(s) got no reply for 5 s (a stalled connection); measuring again");
		}
	}

	private static double throughputOnce(String endpoint, byte[] request, int clients, int window, Duration warmUp,
			Duration measure, AtomicInteger stalled) throws InterruptedException {
		AtomicLong replies = new AtomicLong();
		long start = System.nanoTime() + warmUp.toNanos();
		long end = start + measure.toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < clients; i++) {
			Thread thread = new Thread(() -> {
				try (ZmqTestClient connection = ZmqTestClient.dealer(endpoint, 5_000)) {
					if (!drive(connection.socket(), request, window, start, end, replies)) {
						stalled.incrementAndGet();
					}
				}
				catch (IllegalStateException ex) {
					// No answer to five health checks in a row: the connection never came up.
					stalled.incrementAndGet();
				}
			}, "bench-client-" + i);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return replies.get() / (measure.toNanos() / 1e9);
	}

	/** @return false when a reply did not come within the receive timeout */
	private static boolean drive(ZMQ.Socket socket, byte[] request, int window, long start, long end,
			AtomicLong replies) {
		for (int i = 0; i < window; i++) {
			send(socket, request);
		}
		long counted = 0;
		while (true) {
			if (socket.recv(0) == null) {
				return false;
			}
			socket.recv(0);
			long now = System.nanoTime();
			if (now - end >= 0) {
				break;
			}
			if (now - start >= 0) {
				counted++;
			}
			send(socket, request);
		}
		replies.addAndGet(counted);
		return true;
	}

	private static void send(ZMQ.Socket socket, byte[] request) {
		socket.send(EMPTY, ZMQ.SNDMORE);
		socket.send(request, 0);
	}

	/**
	 * Round-trip times of {@code count} sequential REQ/REP requests, sorted, in nanoseconds;
	 * measured again (on a new connection) when a reply does not come within 10 s.
	 */
	static long[] latencies(String endpoint, byte[] request, int warmUp, int count) {
		for (int attempt = 1;; attempt++) {
			long[] nanos = latenciesOnce(endpoint, request, warmUp, count);
			if (nanos != null) {
				return nanos;
			}
			if (attempt == ATTEMPTS) {
				throw new IllegalStateException(endpoint + ": a round trip got no reply in " + ATTEMPTS
						+ " measurements in a row");
			}
			System.out.println("[bench] " + endpoint + ": a round trip got no reply for 10 s; measuring again");
		}
	}

	private static long[] latenciesOnce(String endpoint, byte[] request, int warmUp, int count) {
		try (ZmqTestClient client = ZmqTestClient.req(endpoint)) {
			ZMQ.Socket socket = client.socket();
			long[] nanos = new long[count];
			for (int i = -warmUp; i < count; i++) {
				long sent = System.nanoTime();
				socket.send(request, 0);
				if (socket.recv(0) == null) {
					return null;
				}
				if (i >= 0) {
					nanos[i] = System.nanoTime() - sent;
				}
			}
			Arrays.sort(nanos);
			return nanos;
		}
		catch (IllegalStateException ex) {
			return null;
		}
	}

	/**
	 * A fixed offered load: {@code clients} DEALER connections together send
	 * {@code ratePerSecond} requests a second on a fixed schedule for {@code duration}, whatever
	 * the replies do (an open loop, as independent callers behave), then wait up to 10 s for
	 * the last replies. Returns the replies received: what a CPU time is divided by.
	 */
	static long paced(String endpoint, byte[] request, int clients, int ratePerSecond, Duration duration)
			throws InterruptedException {
		AtomicLong replies = new AtomicLong();
		long intervalNanos = TimeUnit.SECONDS.toNanos(clients) / ratePerSecond;
		long count = duration.toNanos() / intervalNanos;
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < clients; i++) {
			long offset = intervalNanos * i / clients;
			Thread thread = new Thread(() -> {
				try (ZmqTestClient connection = ZmqTestClient.dealer(endpoint, 5_000)) {
					ZMQ.Socket socket = connection.socket();
					long start = System.nanoTime() + offset;
					long received = 0;
					for (long sent = 0; sent < count; sent++) {
						long due = start + sent * intervalNanos;
						while (true) {
							received += drain(socket);
							long wait = due - System.nanoTime();
							if (wait <= 0) {
								break;
							}
							LockSupport.parkNanos(Math.min(wait, 200_000));
						}
						send(socket, request);
					}
					long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
					while (received < count && System.nanoTime() - deadline < 0) {
						received += drain(socket);
						LockSupport.parkNanos(200_000);
					}
					replies.addAndGet(received);
				}
				catch (IllegalStateException ex) {
					// The connection never came up: its requests count as unanswered.
				}
			}, "bench-paced-" + i);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return replies.get();
	}

	private static long drain(ZMQ.Socket socket) {
		long received = 0;
		while (socket.recv(ZMQ.DONTWAIT) != null) {
			while (socket.hasReceiveMore()) {
				socket.recv(0);
			}
			received++;
		}
		return received;
	}

}
