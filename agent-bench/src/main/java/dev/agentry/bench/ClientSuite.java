package dev.agentry.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.agentry.core.client.AgentClient;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.client.CallerSockets;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.zmq.ZmqSockets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * agent-core's client making synchronous calls from eight threads to the raw JeroMQ ROUTER
 * echo (a process of its own), against a DEALER per thread with a blocking receive written by
 * hand: on threads that own their sockets (an endpoint's handlers, the workers), and on any
 * other thread, through the client's loop. This is what chose the client's fast path. The CPU
 * time is this process's, so the callers' side only.
 */
final class ClientSuite {

	static final int CALLERS = 8;

	private final ObjectMapper mapper = JsonMapper.builder().build();

	private final Servers servers;

	private final BenchOptions options;

	private final Consumer<String> progress;

	ClientSuite(Servers servers, BenchOptions options, Consumer<String> progress) {
		this.servers = servers;
		this.options = options;
		this.progress = progress;
	}

	List<Comparison> run() throws InterruptedException {
		Figures own = new Figures();
		Figures loop = new Figures();
		Figures raw = new Figures();
		try (Servers.RawServer peer = this.servers.raw(); ZContext context = new ZContext(1)) {
			ZmqSockets sockets = new ZmqSockets(context, Duration.ofMillis(100), 1024 * 1024, (refusal) -> {
			});
			AgentClients clients = new AgentClients(sockets, this.mapper,
					new ShutdownRecorder(new AgentMetrics(new SimpleMeterRegistry(), "bench")), (failure) -> {
					});
			clients.start();
			try {
				AgentClient client = clients.create("echo", List.of(peer.endpoint()));
				Duration warmUp = Duration.ofSeconds(1);
				for (int round = 1; round <= this.options.rounds(); round++) {
					this.progress.accept("client round " + round + "/" + this.options.rounds());
					own.add(measure(() -> agentCalls(client), true, warmUp));
					loop.add(measure(() -> agentCalls(client), false, warmUp));
					raw.add(measure(() -> rawCalls(context, peer.endpoint()), false, warmUp));
				}
			}
			finally {
				clients.stop();
			}
		}
		String base = "a DEALER per caller thread, blocking receive, by hand";
		String callers = ", " + CALLERS + " synchronous callers";
		return List.of(
				new Comparison("client calls on the callers' own sockets (handlers, workers)" + callers, "calls/s",
						Samples.of(own.rates), Samples.of(raw.rates), base, null, true),
				new Comparison("client calls through the client's loop (any other thread)" + callers, "calls/s",
						Samples.of(loop.rates), Samples.of(raw.rates), base, null, true),
				new Comparison("client CPU time per call, own sockets" + callers, "µs", Samples.of(own.cpu),
						Samples.of(raw.cpu), base, null, false),
				new Comparison("client CPU time per call, through the loop" + callers, "µs", Samples.of(loop.cpu),
						Samples.of(raw.cpu), base, null, false));
	}

	/** One caller thread's calls, made on that thread, which closes what they opened. */
	private interface Caller extends AutoCloseable {

		void call() throws Exception;

		@Override
		default void close() {
		}

	}

	private Caller agentCalls(AgentClient client) {
		ObjectNode request = this.mapper.createObjectNode().put("action", "echo").put("text", "a happy little benchmark");
		return () -> {
			JsonNode reply = client.call(request, Duration.ofSeconds(10));
			if (!"echo".equals(reply.path("action").asString(""))) {
				throw new IllegalStateException("not an echo: " + reply);
			}
		};
	}

	/** A DEALER made on the caller's thread, used and closed by it. */
	private Caller rawCalls(ZContext context, String endpoint) {
		ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
		dealer.setLinger(0);
		dealer.connect(endpoint);
		ObjectNode request = this.mapper.createObjectNode().put("action", "echo").put("text", "a happy little benchmark");
		long[] correlation = new long[1];
		return new Caller() {

			@Override
			public void call() throws Exception {
				dealer.send(ByteBuffer.allocate(Long.BYTES).putLong(++correlation[0]).array(), ZMQ.SNDMORE);
				dealer.send(new byte[0], ZMQ.SNDMORE);
				dealer.send(ClientSuite.this.mapper.writeValueAsBytes(request), 0);
				dealer.recv(0);
				dealer.recv(0);
				JsonNode reply = ClientSuite.this.mapper.readTree(dealer.recv(0));
				if (!"echo".equals(reply.path("action").asString(""))) {
					throw new IllegalStateException("not an echo: " + reply);
				}
			}

			@Override
			public void close() {
				dealer.close();
			}

		};
	}

	/**
	 * Calls/s and CPU µs per call of {@link #CALLERS} threads, each running a caller made on
	 * it, after a warm-up; threads that own their sockets ({@code ownSockets}) or not.
	 */
	private double[] measure(Supplier<Caller> callers, boolean ownSockets, Duration warmUp)
			throws InterruptedException {
		AtomicLong calls = new AtomicLong();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		long end = System.nanoTime() + warmUp.toNanos() + this.options.measure().toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < CALLERS; i++) {
			Runnable body = () -> {
				try (Caller caller = callers.get()) {
					while (System.nanoTime() - end < 0) {
						caller.call();
						calls.incrementAndGet();
					}
				}
				catch (Exception ex) {
					failure.compareAndSet(null, ex);
				}
			};
			// Owning its sockets, a caller closes what its calls made as it ends: the handlers' way.
			Thread thread = new Thread(ownSockets ? () -> CallerSockets.run(body) : body, "bench-caller-" + i);
			threads.add(thread);
		}
		threads.forEach(Thread::start);
		Thread.sleep(warmUp.toMillis());
		long startCpu = CpuTime.nanos(ProcessHandle.current().pid());
		long startCalls = calls.get();
		long start = System.nanoTime();
		for (Thread thread : threads) {
			thread.join();
		}
		long counted = calls.get() - startCalls;
		double seconds = (System.nanoTime() - start) / 1e9;
		double cpu = CpuTime.microsPerRequest(ProcessHandle.current().pid(), startCpu, counted);
		if (failure.get() != null) {
			throw new IllegalStateException("a caller failed", failure.get());
		}
		return new double[] { counted / seconds, cpu };
	}

	private static final class Figures {

		final List<Double> rates = new ArrayList<>();

		final List<Double> cpu = new ArrayList<>();

		void add(double[] figures) {
			this.rates.add(figures[0]);
			this.cpu.add(figures[1]);
		}

	}

}
