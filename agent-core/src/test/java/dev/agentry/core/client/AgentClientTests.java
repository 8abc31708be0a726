package dev.agentry.core.client;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import dev.agentry.core.zmq.ZmqSockets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class AgentClientTests {

	/** A synchronous call as the tests make it: here from the test's thread, through the client's loop. */
	protected JsonNode call(AgentClient client, ObjectNode request, Duration timeout) {
		return client.call(request, timeout);
	}

	/** The threads of the test with eight callers. */
	protected ExecutorService callers(int threads) {
		return Executors.newFixedThreadPool(threads);
	}

	static void awaitTermination(ExecutorService executor) {
		try {
			assertThat(executor.awaitTermination(GENEROUS.toSeconds(), TimeUnit.SECONDS)).as("callers ended").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static final Duration GENEROUS = Duration.ofSeconds(30);

	/**
	 * An endpoint whose host JeroMQ cannot resolve, so that its connect() throws inside the
	 * client's loop as it does for a DNS name that does not resolve yet (the same
	 * UnknownHostException), without asking any name server: a malformed IPv6 literal is
	 * refused before a lookup. UnresolvedPeersIT shows the same with a real name that resolves later.
	 */
	private static final String UNRESOLVABLE = "tcp://[1::2::3]:5555";

	final ObjectMapper mapper = new AgentJson(JsonMapper.builder().build()).mapper();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	final AgentMetrics metrics = new AgentMetrics(this.meters, "test-agent");

	final ShutdownRecorder recorder = new ShutdownRecorder(this.metrics);

	private final List<Throwable> crashes = new CopyOnWriteArrayList<>();

	private final List<TestServer> servers = new ArrayList<>();

	private final List<ScriptedRouter> routers = new ArrayList<>();

	ZContext clientContext;

	private ZContext serverContext;

	AgentClients clients;

	@BeforeEach
	void startClients() {
		this.clientContext = new ShortHandshakeContext();
		this.serverContext = new ZContext(1);
		ZmqSockets sockets = new ZmqSockets(this.clientContext, Duration.ofMillis(100), 1024 * 1024,
				(refusal) -> this.crashes.add(new IllegalStateException("refused: " + refusal)));
		this.clients = new AgentClients(sockets, this.mapper, this.recorder, this.metrics, this.crashes::add);
		this.clients.start();
	}

	@AfterEach
	void closeEverything() {
		try {
			this.clients.stop();
			this.servers.forEach(TestServer::close);
			this.routers.forEach(ScriptedRouter::close);
			assertThat(this.clientContext.getSockets()).as("client sockets left open").isEmpty();
			assertThat(this.crashes).isEmpty();
			assertThat(this.servers).allSatisfy((server) -> assertThat(server.failure.get()).isNull());
			assertThat(this.routers).allSatisfy((router) -> assertThat(router.failure.get()).isNull());
		}
		finally {
			this.clientContext.close();
			this.serverContext.close();
		}
	}

	@Test
	void callGetsThePeersReply() {
		TestServer server = server("a", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(server.endpoint()));
		JsonNode reply = call(client, request("r-1").put("text", "hello"), Duration.ofSeconds(10));
		assertThat(reply.path("status").asString()).isEqualTo("ok");
		assertThat(reply.path("id").asString()).isEqualTo("r-1");
		assertThat(reply.path("server").asString()).isEqualTo("a");
		assertThat(reply.path("echo").path("text").asString()).isEqualTo("hello");
		assertThat(client.name()).isEqualTo("peer");
	}

	@Test
	void callAsyncCompletesWithThePeersReply() {
		TestServer server = server("a", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(server.endpoint()));
		CompletableFuture<JsonNode> reply = client.callAsync(request("r-async"), Duration.ofSeconds(10));
		await().atMost(GENEROUS).until(reply::isDone);
		assertThat(reply.join().path("id").asString()).isEqualTo("r-async");
	}

	@Test
	void unavailableReplyFromOneEndpointIsRetriedOnTheNext() {
		TestServer unavailable = server("a", Mode.UNAVAILABLE);
		TestServer echo = server("b", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(unavailable.endpoint(), echo.endpoint()));
		// Each call starts at the next endpoint in turn, so one of two calls starts at the unavailable one.
		for (int i = 0; i < 2; i++) {
			JsonNode reply = call(client, request("r-" + i), Duration.ofSeconds(10));
			assertThat(reply.path("status").asString()).isEqualTo("ok");
			assertThat(reply.path("id").asString()).isEqualTo("r-" + i);
			assertThat(reply.path("server").asString()).isEqualTo("b");
		}
		assertThat(unavailable.received).hasValue(1);
		assertThat(echo.received).hasValue(2);
	}

	@Test
	void unavailableReplyFromTheLastEndpointIsTheCallsReply() {
		TestServer unavailable = server("a", Mode.UNAVAILABLE);
		AgentClient client = this.clients.create("peer", List.of(unavailable.endpoint()));
		JsonNode reply = call(client, request("r-1"), Duration.ofSeconds(10));
		assertThat(reply.path("status").asString()).isEqualTo("error");
		assertThat(reply.path("error").asString()).isEqualTo("unavailable");
		assertThat(reply.path("retryable").asBoolean()).isTrue();
	}

	@Test
	void silentEndpointTimesOutAndTheCallMovesOnToTheNext() {
		TestServer silent = server("silent", Mode.SILENT);
		TestServer echo = server("b", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(silent.endpoint(), echo.endpoint()));
		Duration attemptTimeout = Duration.ofSeconds(2);
		List<Long> tookMillis = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			long start = System.nanoTime();
			JsonNode reply = call(client, request("r-" + i), attemptTimeout);
			tookMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			assertThat(reply.path("status").asString()).isEqualTo("ok");
			assertThat(reply.path("id").asString()).isEqualTo("r-" + i);
			assertThat(reply.path("server").asString()).isEqualTo("b");
		}
		await().atMost(GENEROUS).until(() -> silent.received.get() == 1);
		// The call that went to the silent endpoint first waited out one attempt's timeout there.
		assertThat(Collections.max(tookMillis)).isGreaterThanOrEqualTo(attemptTimeout.toMillis());
	}

	@Test
	void callPendingOnAPeerWhoseConnectionDropsMovesOnToTheNextWithoutWaitingForItsTimeout() throws Exception {
		TestServer dying = server("dying", Mode.SILENT);
		TestServer echo = server("b", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(dying.endpoint(), echo.endpoint()));
		CompletableFuture<JsonNode> reply = client.callAsync(request("r-drop"), Duration.ofMinutes(5));
		await().atMost(GENEROUS).until(() -> dying.received.get() == 1);
		// The peer goes away with the request unanswered, as a process that died would.
		dying.close();
		JsonNode answer = reply.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
		assertThat(answer.path("status").asString()).isEqualTo("ok");
		assertThat(answer.path("server").asString()).isEqualTo("b");
	}

	@Test
	void callToOnlySilentEndpointsEndsInATimeoutErrorReply() {
		TestServer first = server("silent-1", Mode.SILENT);
		TestServer second = server("silent-2", Mode.SILENT);
		AgentClient client = this.clients.create("peer", List.of(first.endpoint(), second.endpoint()));
		JsonNode reply = call(client, request("r-lost"), Duration.ofMillis(200));
		assertThat(reply.path("status").asString()).isEqualTo("error");
		assertThat(reply.path("error").asString()).isEqualTo("timeout");
		assertThat(reply.path("retryable").asBoolean()).isTrue();
		assertThat(reply.path("id").asString()).isEqualTo("r-lost");
		assertThat(reply.path("message").asString()).isNotBlank();
		await().atMost(GENEROUS).until(() -> first.received.get() == 1 && second.received.get() == 1);
	}

	@Test
	void callToAnEndpointWhereNobodyListensEndsInAnUnavailableErrorReply() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		AgentClient client = this.clients.create("peer", List.of("tcp://127.0.0.1:" + port));
		JsonNode reply = call(client, request("r-1"), Duration.ofSeconds(3));
		assertThat(reply.path("status").asString()).isEqualTo("error");
		assertThat(reply.path("error").asString()).isEqualTo("unavailable");
		assertThat(reply.path("retryable").asBoolean()).isTrue();
	}

	@Test
	void endpointThatDoesNotResolveIsAnsweredUnavailableWarnedOnceAndTheClientKeepsServing(CapturedOutput output) {
		AgentClient client = this.clients.create("lonely", List.of(UNRESOLVABLE));
		for (int i = 0; i < 3; i++) {
			JsonNode reply = call(client, request("r-" + i), Duration.ofSeconds(10));
			assertThat(reply.path("status").asString()).isEqualTo("error");
			assertThat(reply.path("error").asString()).isEqualTo("unavailable");
			assertThat(reply.path("retryable").asBoolean()).isTrue();
			assertThat(reply.path("id").asString()).isEqualTo("r-" + i);
			assertThat(reply.path("message").asString()).startsWith("cannot connect to " + UNRESOLVABLE + ": ")
				.contains("1::2::3");
		}
		assertThat(client.isRunning()).isTrue();
		assertThat(this.clientContext.getSockets()).as("the sockets whose connect failed").isEmpty();
		assertThat(output.getAll()).as("WARN lines about the endpoint")
			.containsOnlyOnce("Agent client 'lonely' cannot connect to " + UNRESOLVABLE);
		assertThat(output.getAll()).doesNotContain("UnknownHostException").doesNotContain("failed; its sockets are closed");
	}

	@Test
	void endpointThatDoesNotResolveIsPassedOverForTheNext() {
		TestServer echo = server("b", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(UNRESOLVABLE, echo.endpoint()));
		// Each call starts at the next endpoint in turn, so one of two calls starts at the unresolvable one.
		for (int i = 0; i < 2; i++) {
			JsonNode reply = call(client, request("r-" + i), Duration.ofSeconds(10));
			assertThat(reply.path("status").asString()).as("reply %s", reply).isEqualTo("ok");
			assertThat(reply.path("server").asString()).isEqualTo("b");
		}
		assertThat(echo.received).hasValue(2);
		assertThat(this.clientContext.getSockets()).as("only the echo peer's socket").hasSize(1);
	}

	@Test
	void callWithoutKnownEndpointsIsAnsweredUnavailable() {
		AgentClient client = this.clients.create("nobody", List.of());
		JsonNode reply = call(client, request("r-1"), Duration.ofSeconds(10));
		assertThat(reply.path("error").asString()).isEqualTo("unavailable");
		assertThat(reply.path("id").asString()).isEqualTo("r-1");
	}

	@Test
	void endpointsAreLookedUpAgainForEveryCall() {
		TestServer a = server("a", Mode.ECHO);
		TestServer b = server("b", Mode.ECHO);
		AtomicReference<List<String>> live = new AtomicReference<>(List.of(a.endpoint()));
		AgentClient client = this.clients.create("peer", live::get);
		assertThat(call(client, request("r-1"), Duration.ofSeconds(10)).path("server").asString()).isEqualTo("a");
		live.set(List.of(b.endpoint()));
		JsonNode second = call(client, request("r-2"), Duration.ofSeconds(10));
		assertThat(second.path("server").asString()).as("reply %s", second).isEqualTo("b");
	}

	@Test
	void concurrentCallsFromEightThreadsEachGetTheirOwnReply() {
		TestServer a = server("a", Mode.ECHO);
		TestServer b = server("b", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(a.endpoint(), b.endpoint()));
		int threads = 8;
		int callsPerThread = 50;
		ExecutorService callers = callers(threads);
		List<CompletableFuture<List<String>>> mismatches = new ArrayList<>();
		try {
			for (int t = 0; t < threads; t++) {
				int thread = t;
				mismatches.add(CompletableFuture.supplyAsync(() -> {
					List<String> wrong = new ArrayList<>();
					for (int i = 0; i < callsPerThread; i++) {
						String id = "t" + thread + "-" + i;
						JsonNode reply = call(client, request(id).put("n", thread * 1000 + i), Duration.ofSeconds(20));
						if (!"ok".equals(reply.path("status").asString()) || !id.equals(reply.path("id").asString())
								|| reply.path("echo").path("n").asInt() != thread * 1000 + i) {
							wrong.add(id + " -> " + reply);
						}
					}
					return wrong;
				}, callers));
			}
			await().atMost(GENEROUS).until(() -> mismatches.stream().allMatch(CompletableFuture::isDone));
		}
		finally {
			callers.shutdown();
			awaitTermination(callers);
		}
		assertThat(mismatches).allSatisfy((wrong) -> assertThat(wrong.join()).isEmpty());
		assertThat(a.received.get() + b.received.get()).isEqualTo(threads * callsPerThread);
	}

	@Test
	void stopClosesEveryClientAndRecordsIt() {
		TestServer server = server("a", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(server.endpoint()));
		call(client, request("r-1"), Duration.ofSeconds(10));
		assertThat(this.clients.isRunning()).isTrue();
		this.clients.stop();
		assertThat(this.clients.isRunning()).isFalse();
		assertThat(client.isRunning()).isFalse();
		assertThat(this.clientContext.getSockets()).isEmpty();
		assertThat(this.recorder.steps()).extracting(StepRecord::step, StepRecord::component, StepRecord::outcome)
			.containsExactly(tuple("context", "client-peer", StepOutcome.GRACEFUL));
		this.clients.stop();
		assertThat(this.recorder.steps()).hasSize(1);
	}

	@Test
	void callAfterStopIsAnsweredUnavailable() {
		TestServer server = server("a", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(server.endpoint()));
		this.clients.stop();
		JsonNode reply = call(client, request("r-late"), Duration.ofSeconds(10));
		assertThat(reply.path("status").asString()).isEqualTo("error");
		assertThat(reply.path("error").asString()).isEqualTo("unavailable");
		assertThat(server.received).hasValue(0);
	}

	@Test
	void callInFlightWhenTheClientStopsIsAnsweredUnavailable() {
		TestServer silent = server("silent", Mode.SILENT);
		AgentClient client = this.clients.create("peer", List.of(silent.endpoint()));
		CompletableFuture<JsonNode> reply = client.callAsync(request("r-pending"), Duration.ofMinutes(5));
		await().atMost(GENEROUS).until(() -> silent.received.get() == 1);
		this.clients.stop();
		await().atMost(GENEROUS).until(reply::isDone);
		assertThat(reply.join().path("error").asString()).isEqualTo("unavailable");
		assertThat(reply.join().path("id").asString()).isEqualTo("r-pending");
	}

	/**
	 * The attack of issue 13: a fake peer that the client is also connected to answers calls
	 * that went to the real one. Here it even knows their correlation frames (the real peer
	 * hands each one over and waits until the forgery has been dealt with), so only the
	 * check of the socket a reply came on can stop it.
	 */
	@Test
	void replyFromAnotherPeerWithTheCorrelationOfACallSentElsewhereIsDroppedAndCounted(CapturedOutput output) {
		Counter rejected = this.metrics.rejectedReplies("peer", "wrong_peer");
		AtomicInteger forgeries = new AtomicInteger();
		// The real peer waits until the forgery has been dealt with before it answers.
		Forgery forgery = forgery((forged) -> {
			if (forged) {
				await().atMost(GENEROUS).until(() -> rejected.count() >= forgeries.get());
			}
		}, forgeries);
		ScriptedRouter real = forgery.real();
		ScriptedRouter fake = forgery.fake();
		List<Long> correlations = forgery.correlations();
		AgentClient client = this.clients.create("peer", List.of(real.endpoint(), fake.endpoint()));
		int calls = 40;
		for (int i = 0; i < calls; i++) {
			JsonNode reply = call(client, request("r-" + i), Duration.ofSeconds(20));
			assertThat(reply.path("status").asString()).as("reply %s", reply).isEqualTo("ok");
			assertThat(reply.path("server").asString()).as("reply %s", reply).isEqualTo("real");
		}
		assertThat(real.received).hasValue(calls);
		assertThat(forgeries.get()).as("forged replies sent").isGreaterThanOrEqualTo(calls / 2);
		assertThat(rejected.count()).isEqualTo(forgeries.get());
		assertThat(output.getAll()).containsOnlyOnce("Agent client 'peer' dropped a reply from " + fake.endpoint())
			.doesNotContain("forged");
		// Not a counter that a peer could continue from what it saw.
		for (int i = 1; i < correlations.size(); i++) {
			assertThat(Math.abs(correlations.get(i) - correlations.get(i - 1))).isGreaterThan(1000L);
		}
	}

	/**
	 * JeroMQ 0.6.0 drops the connection of a reply over the socket's max-message-size and
	 * never makes it again: without the client's own reconnect, every later call to that peer
	 * would wait out its timeout while the peer is up.
	 */
	@Test
	void peerThatSentOneReplyOverTheSizeLimitIsReachedAgainAndTheRefusalIsReported() {
		List<ZmqSockets.Refusal> refusals = new CopyOnWriteArrayList<>();
		ZmqSockets small = new ZmqSockets(this.clientContext, Duration.ofMillis(100), 1024, refusals::add);
		AgentClients smallClients = new AgentClients(small, this.mapper, this.recorder, this.metrics, this.crashes::add);
		smallClients.start();
		AtomicInteger requests = new AtomicInteger();
		ScriptedRouter peer = router("big-then-small", (socket, frames) -> {
			ObjectNode reply = ok("big-then-small");
			reply.set("id", this.mapper.readTree(frames.get(frames.size() - 1)).get("id"));
			if (requests.getAndIncrement() == 0) {
				reply.put("padding", "x".repeat(4096));
			}
			reply(socket, frames, reply);
		}, (socket) -> {
		});
		try {
			AgentClient client = smallClients.create("big", List.of(peer.endpoint()));
			call(client, request("r-big"), Duration.ofSeconds(2));
			await().atMost(GENEROUS).until(() -> !refusals.isEmpty());
			assertThat(refusals).first().extracting(ZmqSockets.Refusal::socket).isEqualTo("client-big");
			JsonNode later = call(client, request("r-later"), Duration.ofSeconds(15));
			assertThat(later.path("status").asString()).as("reply %s", later).isEqualTo("ok");
			assertThat(later.path("id").asString()).isEqualTo("r-later");
		}
		finally {
			smallClients.stop();
		}
	}

	/**
	 * A real peer and a fake one that the client is also connected to: the fake answers calls
	 * sent to it {@code unavailable} (so they move on to the real one) and forges, on its own
	 * connection, a reply to every call that the real one gets, with that call's correlation
	 * frame. The real peer hands each frame over, waits for the forgery, runs
	 * {@code afterForgery} (with whether one was sent) and answers.
	 */
	Forgery forgery(Consumer<Boolean> afterForgery, AtomicInteger forgeries) {
		BlockingQueue<byte[]> toForge = new LinkedBlockingQueue<>();
		BlockingQueue<Boolean> forgedOne = new LinkedBlockingQueue<>();
		AtomicReference<byte[]> clientIdentity = new AtomicReference<>();
		List<Long> correlations = new CopyOnWriteArrayList<>();
		ScriptedRouter fake = router("fake", (socket, frames) -> {
			clientIdentity.set(frames.get(0));
			reply(socket, frames, error("unavailable"));
		}, (socket) -> {
			byte[] correlation = toForge.poll();
			if (correlation == null) {
				return;
			}
			byte[] identity = clientIdentity.get();
			if (identity != null) {
				// The envelope of a request that went to the real peer, as if this one had got it.
				reply(socket, List.of(identity, correlation, new byte[0], new byte[0]), ok("forged"));
				forgeries.incrementAndGet();
			}
			forgedOne.add(identity != null);
		});
		ScriptedRouter real = router("real", (socket, frames) -> {
			correlations.add(java.nio.ByteBuffer.wrap(frames.get(1)).getLong());
			toForge.add(frames.get(1));
			afterForgery.accept(Boolean.TRUE.equals(poll(forgedOne)));
			reply(socket, frames, ok("real"));
		}, (socket) -> {
		});
		return new Forgery(real, fake, correlations);
	}

	record Forgery(ScriptedRouter real, ScriptedRouter fake, List<Long> correlations) {
	}

	static Boolean poll(BlockingQueue<Boolean> queue) {
		try {
			return queue.poll(GENEROUS.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	ObjectNode ok(String server) {
		ObjectNode reply = this.mapper.createObjectNode();
		reply.put("status", "ok");
		reply.put("server", server);
		return reply;
	}

	ObjectNode error(String code) {
		ObjectNode reply = this.mapper.createObjectNode();
		reply.put("status", "error");
		reply.put("error", code);
		reply.put("retryable", true);
		return reply;
	}

	/** Sends {@code reply} after every frame of {@code frames} but the last (the envelope). */
	void reply(ZMQ.Socket socket, List<byte[]> frames, ObjectNode reply) {
		for (int i = 0; i < frames.size() - 1; i++) {
			socket.sendMore(frames.get(i));
		}
		socket.send(this.mapper.writeValueAsBytes(reply));
	}

	ScriptedRouter router(String name, BiConsumer<ZMQ.Socket, List<byte[]>> onRequest,
			Consumer<ZMQ.Socket> onIdle) {
		ScriptedRouter router = new ScriptedRouter(name, this.serverContext, onRequest, onIdle);
		this.routers.add(router);
		return router;
	}

	/**
	 * A ROUTER peer on its own thread, which owns its socket: each request (all its frames,
	 * the client's identity first) goes to {@code onRequest}, and {@code onIdle} runs after
	 * every short poll, on the same thread.
	 */
	static final class ScriptedRouter {

		final AtomicInteger received = new AtomicInteger();

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		private final ZContext context;

		private final BiConsumer<ZMQ.Socket, List<byte[]>> onRequest;

		private final Consumer<ZMQ.Socket> onIdle;

		private final CompletableFuture<String> endpoint = new CompletableFuture<>();

		private final Thread thread;

		private volatile boolean stop;

		ScriptedRouter(String name, ZContext context, BiConsumer<ZMQ.Socket, List<byte[]>> onRequest,
				Consumer<ZMQ.Socket> onIdle) {
			this.context = context;
			this.onRequest = onRequest;
			this.onIdle = onIdle;
			this.thread = new Thread(this::run, "test-router-" + name);
			this.thread.setDaemon(true);
			this.thread.start();
		}

		String endpoint() {
			return this.endpoint.orTimeout(10, TimeUnit.SECONDS).join();
		}

		void close() {
			this.stop = true;
			try {
				this.thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			assertThat(this.thread.isAlive()).isFalse();
		}

		private void run() {
			ZMQ.Socket socket = this.context.createSocket(SocketType.ROUTER);
			ZMQ.Poller poller = this.context.createPoller(1);
			try {
				socket.setLinger(0);
				socket.setHandshakeIvl(1000);
				socket.bind("tcp://127.0.0.1:*");
				poller.register(socket, ZMQ.Poller.POLLIN);
				this.endpoint.complete(socket.getLastEndpoint());
				while (!this.stop) {
					poller.poll(5);
					List<byte[]> frames;
					while ((frames = TestServer.receive(socket)) != null) {
						this.received.incrementAndGet();
						this.onRequest.accept(socket, frames);
					}
					this.onIdle.accept(socket);
				}
			}
			catch (Throwable ex) {
				this.failure.set(ex);
				this.endpoint.completeExceptionally(ex);
			}
			finally {
				poller.close();
				socket.close();
			}
		}

	}

	/**
	 * The client's context. Works around a JeroMQ 0.6.0 race in the connecting side's I/O
	 * thread (zeromq/jeromq#1022, reproduced here at about 2 % of fresh TCP connections): the
	 * TCP connection is made but the ZMTP handshake never starts, so nothing is delivered until
	 * ZMQ_HANDSHAKE_IVL (30 s by default) tears the connection down and reconnects. A short
	 * handshake interval on every socket that AgentClient creates makes such a connection
	 * retry within a second, so that these tests check the client's logic, not that race.
	 */
	private static final class ShortHandshakeContext extends ZContext {

		ShortHandshakeContext() {
			super(1);
		}

		@Override
		public ZMQ.Socket createSocket(SocketType type) {
			ZMQ.Socket socket = super.createSocket(type);
			socket.setHandshakeIvl(500);
			return socket;
		}

	}

	ObjectNode request(String id) {
		ObjectNode request = this.mapper.createObjectNode();
		request.put("action", "echo");
		request.put("id", id);
		return request;
	}

	TestServer server(String name, Mode mode) {
		TestServer server = new TestServer(name, mode, this.serverContext, this.mapper);
		this.servers.add(server);
		return server;
	}

	enum Mode {

		/** Replies ok with the request under {@code echo}, in reverse order of arrival within each batch. */
		ECHO,

		/** Replies {@code unavailable}, as a draining agent does. */
		UNAVAILABLE,

		/** Takes requests and never replies. */
		SILENT

	}

	/**
	 * A ROUTER peer on its own thread, which owns its socket from creation to close. It sends
	 * each request's envelope back unchanged in front of the reply.
	 */
	static final class TestServer {

		final AtomicInteger received = new AtomicInteger();

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		private final String name;

		private final Mode mode;

		private final ZContext context;

		private final ObjectMapper mapper;

		private final CompletableFuture<String> endpoint = new CompletableFuture<>();

		private final Thread thread;

		private volatile boolean stop;

		TestServer(String name, Mode mode, ZContext context, ObjectMapper mapper) {
			this.name = name;
			this.mode = mode;
			this.context = context;
			this.mapper = mapper;
			this.thread = new Thread(this::run, "test-server-" + name);
			this.thread.setDaemon(true);
			this.thread.start();
		}

		String endpoint() {
			return this.endpoint.orTimeout(10, TimeUnit.SECONDS).join();
		}

		void close() {
			this.stop = true;
			try {
				this.thread.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			assertThat(this.thread.isAlive()).as("server %s thread", this.name).isFalse();
		}

		private void run() {
			ZMQ.Socket socket = this.context.createSocket(SocketType.ROUTER);
			ZMQ.Poller poller = this.context.createPoller(1);
			try {
				socket.setLinger(0);
				// As agents do (agent.zmq.handshake-timeout): a connection whose handshake stalls
				// (jeromq #1022) is dropped soon, and the client sends again.
				socket.setHandshakeIvl(1000);
				socket.bind("tcp://127.0.0.1:*");
				poller.register(socket, ZMQ.Poller.POLLIN);
				this.endpoint.complete(socket.getLastEndpoint());
				while (!this.stop) {
					if (poller.poll(20) <= 0) {
						continue;
					}
					List<List<byte[]>> batch = new ArrayList<>();
					List<byte[]> message;
					while ((message = receive(socket)) != null) {
						this.received.incrementAndGet();
						batch.add(message);
					}
					Collections.reverse(batch);
					for (List<byte[]> request : batch) {
						answer(socket, request);
					}
				}
			}
			catch (Throwable ex) {
				this.failure.set(ex);
				this.endpoint.completeExceptionally(ex);
			}
			finally {
				poller.close();
				socket.close();
			}
		}

		private static List<byte[]> receive(ZMQ.Socket socket) {
			byte[] first = socket.recv(ZMQ.DONTWAIT);
			if (first == null) {
				return null;
			}
			List<byte[]> frames = new ArrayList<>();
			frames.add(first);
			while (socket.hasReceiveMore()) {
				frames.add(socket.recv(0));
			}
			return frames;
		}

		private void answer(ZMQ.Socket socket, List<byte[]> frames) {
			if (this.mode == Mode.SILENT) {
				return;
			}
			byte[] body = frames.get(frames.size() - 1);
			JsonNode request = this.mapper.readTree(body);
			ObjectNode reply = this.mapper.createObjectNode();
			if (this.mode == Mode.UNAVAILABLE) {
				// Exactly what a draining agent answers, minus the optional id and message.
				reply.put("status", "error");
				reply.put("error", "unavailable");
				reply.put("retryable", true);
			}
			else {
				reply.put("status", "ok");
				reply.set("id", request.get("id"));
				reply.put("server", this.name);
				reply.set("echo", request);
			}
			for (int i = 0; i < frames.size() - 1; i++) {
				socket.sendMore(frames.get(i));
			}
			socket.send(this.mapper.writeValueAsBytes(reply));
		}

	}

}
