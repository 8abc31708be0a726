package dev.agentry.core.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Every test of {@link AgentClientTests} again, with each synchronous call made on a thread
 * that owns its sockets ({@link CallerSockets}), as an endpoint's handlers and the workers
 * make theirs; and what differs on such a thread: its sockets are its own, closed by it.
 */
class CallerSocketsTests extends AgentClientTests {

	/** Every thread that owned sockets: an executor counts as ended before its threads have. */
	private final List<Thread> owners = new CopyOnWriteArrayList<>();

	private final ExecutorService owner = Executors.newSingleThreadExecutor(this::ownerThread);

	private Thread ownerThread(Runnable body) {
		Thread thread = new Thread(() -> CallerSockets.run(body), "socket-owner");
		thread.setDaemon(true);
		this.owners.add(thread);
		return thread;
	}

	@Override
	protected JsonNode call(AgentClient client, ObjectNode request, Duration timeout) {
		return answer(this.owner.submit(() -> client.call(request, timeout)));
	}

	@Override
	protected ExecutorService callers(int threads) {
		return Executors.newFixedThreadPool(threads, this::ownerThread);
	}

	/** Before the checks of {@link AgentClientTests} that no client socket is left open. */
	@AfterEach
	void endTheOwners() throws InterruptedException {
		this.owner.shutdown();
		for (Thread thread : this.owners) {
			thread.join(GENEROUS.toMillis());
			assertThat(thread.isAlive()).as("%s ended", thread).isFalse();
		}
	}

	@Test
	void callsOnAThreadThatOwnsItsSocketsNeitherWakeTheClientsLoopNorTouchItsSockets() {
		TestServer server = server("a", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(server.endpoint()));
		call(client, request("r-0"), Duration.ofSeconds(10));
		long polls = client.polls();
		for (int i = 1; i <= 100; i++) {
			JsonNode reply = call(client, request("r-" + i), Duration.ofSeconds(10));
			assertThat(reply.path("id").asString()).isEqualTo("r-" + i);
		}
		assertThat(client.polls() - polls).as("polls of the client's loop").isZero();
		assertThat(this.clientContext.getSockets()).as("the owner's one socket").hasSize(1);
	}

	/** The registry client's way: its heartbeats and its deregister at step 0 share the loop's connection. */
	@Test
	void aSharedCallGoesThroughTheClientsLoopEvenOnAThreadThatOwnsItsSockets() {
		TestServer server = server("a", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(server.endpoint()));
		long polls = client.polls();
		JsonNode reply = answer(this.owner.submit(() -> client.callShared(request("r-shared"), Duration.ofSeconds(10))));
		assertThat(reply.path("id").asString()).isEqualTo("r-shared");
		assertThat(client.polls()).as("polls of the client's loop").isGreaterThan(polls);
		assertThat(this.clientContext.getSockets()).as("the loop's socket only").hasSize(1);
		this.clients.stop();
		assertThat(this.clientContext.getSockets()).as("closed by the loop").isEmpty();
	}

	@Test
	void theOwnersSocketsCloseWhenItsBodyEnds() throws InterruptedException {
		TestServer a = server("a", Mode.ECHO);
		TestServer b = server("b", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(a.endpoint(), b.endpoint()));
		call(client, request("r-1"), Duration.ofSeconds(10));
		call(client, request("r-2"), Duration.ofSeconds(10));
		assertThat(this.clientContext.getSockets()).as("a socket per endpoint").hasSize(2);
		endTheOwners();
		assertThat(this.clientContext.getSockets()).isEmpty();
	}

	/** The client's close does not touch a socket of another thread's: its owner closes it, at its next call. */
	@Test
	@Override
	void stopClosesEveryClientAndRecordsIt() {
		TestServer server = server("a", Mode.ECHO);
		AgentClient client = this.clients.create("peer", List.of(server.endpoint()));
		call(client, request("r-1"), Duration.ofSeconds(10));
		assertThat(this.clientContext.getSockets()).hasSize(1);
		this.clients.stop();
		assertThat(client.isRunning()).isFalse();
		assertThat(this.recorder.steps()).extracting(StepRecord::step, StepRecord::component, StepRecord::outcome)
			.containsExactly(tuple("context", "client-peer", StepOutcome.GRACEFUL));
		JsonNode late = call(client, request("r-late"), Duration.ofSeconds(10));
		assertThat(late.path("error").asString()).isEqualTo("unavailable");
		assertThat(this.clientContext.getSockets()).as("closed by their owner").isEmpty();
		assertThat(server.received).hasValue(1);
	}

	@Test
	void callInProgressOnItsOwnSocketWhenTheClientStopsIsAnsweredUnavailableAndTheSocketClosedByItsOwner() {
		TestServer silent = server("silent", Mode.SILENT);
		AgentClient client = this.clients.create("peer", List.of(silent.endpoint()));
		Future<JsonNode> reply = this.owner.submit(() -> client.call(request("r-pending"), Duration.ofMinutes(5)));
		await().atMost(GENEROUS).until(() -> silent.received.get() == 1);
		this.clients.stop();
		// The close waited for the call, whose owner closed its socket on its way out.
		assertThat(this.clientContext.getSockets()).isEmpty();
		assertThat(this.recorder.steps()).extracting(StepRecord::outcome).containsExactly(StepOutcome.GRACEFUL);
		JsonNode answer = answer(reply);
		assertThat(answer.path("error").asString()).isEqualTo("unavailable");
		assertThat(answer.path("id").asString()).isEqualTo("r-pending");
	}

	/** An interrupt ends the call at once, and only that call: no other endpoint is tried. */
	@Test
	void anInterruptedCallerGetsUnavailableAtOnceWithoutMovingOn() {
		TestServer first = server("silent-1", Mode.SILENT);
		TestServer second = server("silent-2", Mode.SILENT);
		AgentClient client = this.clients.create("peer", List.of(first.endpoint(), second.endpoint()));
		Future<JsonNode> reply = this.owner.submit(() -> client.call(request("r-1"), Duration.ofMinutes(5)));
		await().atMost(GENEROUS).until(() -> first.received.get() + second.received.get() == 1);
		this.owners.get(0).interrupt();
		JsonNode answer = answer(reply);
		assertThat(answer.path("error").asString()).isEqualTo("unavailable");
		assertThat(answer.path("message").asString()).contains("interrupted");
		assertThat(first.received.get() + second.received.get()).as("requests sent").isEqualTo(1);
	}

	/**
	 * The attack of issue 13 on a caller's own sockets: the fake peer forges, on its own
	 * connection, replies that carry the correlation frames of calls that went to the real
	 * peer. A reply is taken only from the socket its request went on, so none answers a call;
	 * each is counted when the caller next reads the fake's socket.
	 */
	@Test
	@Override
	void replyFromAnotherPeerWithTheCorrelationOfACallSentElsewhereIsDroppedAndCounted(CapturedOutput output) {
		AtomicInteger forgeries = new AtomicInteger();
		Counter rejected = this.metrics.rejectedReplies("peer", "wrong_peer");
		// The forgery is on its way before the real reply.
		Forgery forgery = forgery((forged) -> {
		}, forgeries);
		ScriptedRouter real = forgery.real();
		ScriptedRouter fake = forgery.fake();
		AgentClient client = this.clients.create("peer", List.of(real.endpoint(), fake.endpoint()));
		int calls = 40;
		for (int i = 0; i < calls; i++) {
			JsonNode reply = call(client, request("r-" + i), Duration.ofSeconds(20));
			assertThat(reply.path("status").asString()).as("reply %s", reply).isEqualTo("ok");
			assertThat(reply.path("server").asString()).as("reply %s", reply).isEqualTo("real");
		}
		assertThat(real.received).hasValue(calls);
		assertThat(forgeries.get()).as("forged replies sent").isGreaterThanOrEqualTo(calls / 2);
		// All but the last forgery were read: the caller reads the fake's socket only when it calls it.
		assertThat(rejected.count()).isBetween(forgeries.get() - 1.0, (double) forgeries.get());
		assertThat(output.getAll()).containsOnlyOnce("Agent client 'peer' dropped a reply from " + fake.endpoint())
			.doesNotContain("forged");
	}

	private static JsonNode answer(Future<JsonNode> reply) {
		try {
			return reply.get(GENEROUS.toSeconds() * 4, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
