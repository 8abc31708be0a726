package dev.agentry.core.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.agentry.core.client.AgentClients;
import dev.agentry.core.client.CallerSockets;
import dev.agentry.core.endpoint.AgentActions;
import dev.agentry.core.endpoint.RequestEndpoint;
import dev.agentry.core.test.RunningAgent;
import dev.agentry.test.TestCertificate;
import dev.agentry.test.ZmqTestClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent with CURVE on, against real JeroMQ peers on loopback: authorized keys are served
 * and known as the caller, everyone else gets no reply and is counted, keys can be added
 * and removed while it runs, and its clients never talk to a server that does not hold the
 * key they pin.
 */
@ExtendWith(OutputCaptureExtension.class)
class CurveEndpointTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** How long a refused peer is given to get a reply it must not get. */
	private static final int NO_REPLY_WAIT_MILLIS = 1500;

	@TempDir
	Path dir;

	private TestCertificate server;

	private TestCertificate alice;

	private Path authorized;

	private RunningAgent agent;

	private final ZContext peers = new ZContext(1);

	@BeforeEach
	void startAgent() {
		this.server = TestCertificate.write(this.dir.resolve("server"), "server", "test-agent");
		this.alice = TestCertificate.write(this.dir.resolve("keys"), "alice", "model-worker");
		this.authorized = this.dir.resolve("authorized");
		this.alice.authorizeIn(this.authorized);
		this.agent = RunningAgent.start(Map.of("agent.zmq.curve.certificate", this.server.secretFile().toString(),
				"agent.zmq.curve.authorized-keys", this.authorized.toString()));
		this.agent.bean(AgentActions.class).register(RequestEndpoint.MAIN, "whoami", (request) -> {
			ObjectNode reply = mapper.createObjectNode();
			reply.put("peer", request.peer());
			reply.put("caller", request.caller());
			return reply;
		});
	}

	@AfterEach
	void stop() {
		this.peers.close();
		if (this.agent != null) {
			this.agent.close();
		}
	}

	@Test
	void anAuthorizedKeyIsServedAndIsTheCaller() {
		try (ZmqTestClient client = ZmqTestClient.dealer(this.agent.endpoint(),
				(socket) -> this.alice.client(socket, this.server.publicKey()))) {
			JsonNode reply = client.call("{\"action\":\"whoami\",\"on_behalf_of\":\"someone\"}");
			assertThat(reply.path("status").asString()).isEqualTo("ok");
			assertThat(reply.path("peer").asString()).isEqualTo(this.alice.publicKey());
			assertThat(reply.path("caller").asString()).as("a forwarded identity names whom the request is for")
				.isEqualTo("someone");
		}
		try (ZmqTestClient health = ZmqTestClient.dealer(this.agent.health(),
				(socket) -> this.alice.client(socket, this.server.publicKey()))) {
			assertThat(health.call("{\"action\":\"health_check\"}").path("status").asString()).isEqualTo("ok");
		}
	}

	@Test
	void anUnknownKeyGetsNoReplyIsCountedAndLoggedOnce(CapturedOutput output) {
		TestCertificate mallory = TestCertificate.unwritten("mallory");
		for (int i = 0; i < 3; i++) {
			assertThat(callOnce(this.agent.endpoint(), (socket) -> mallory.client(socket, this.server.publicKey())))
				.as("a reply to an unauthorized key").isNull();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> denied("main", ZapHandler.UNKNOWN_KEY) >= 3);
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(mallory.publicKey()), -1))
			.as("one WARN for the key, not one per attempt")
			.hasSize(2);
		assertThat(callOnce(this.agent.health(), (socket) -> mallory.client(socket, this.server.publicKey()))).isNull();
		await().atMost(Duration.ofSeconds(10)).until(() -> denied("health", ZapHandler.UNKNOWN_KEY) >= 1);
	}

	@Test
	void aPeerThatMakesUpAKeyForEveryAttemptCannotFillTheLog(CapturedOutput output) {
		int attempts = ZapHandler.LOGGED_PER_MINUTE + 15;
		for (int i = 0; i < attempts; i++) {
			TestCertificate stranger = TestCertificate.unwritten("stranger-" + i);
			assertThat(callOnce(this.agent.endpoint(), (socket) -> stranger.client(socket, this.server.publicKey()),
					300))
				.isNull();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> denied("main", ZapHandler.UNKNOWN_KEY) >= attempts);
		assertThat(output.getOut().split("Refused a peer on socket", -1))
			.as("one WARN per refused key, at most %d a minute", ZapHandler.LOGGED_PER_MINUTE)
			.hasSize(ZapHandler.LOGGED_PER_MINUTE + 1);
	}

	@Test
	void aPlainTextPeerIsRefusedCountedAndLogged(CapturedOutput output) {
		for (int i = 0; i < 3; i++) {
			assertThat(callOnce(this.agent.endpoint(), (socket) -> {
			})).isNull();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> denied("main", ZapHandler.NO_CURVE) >= 3);
		assertThat(output.getOut().split("refused a peer without CURVE", -1)).as("logged once, counted each time")
			.hasSize(2);
	}

	@Test
	void aPeerThatPinsAnotherServerKeyNeverGetsItsRequestThrough() {
		AtomicInteger handled = new AtomicInteger();
		this.agent.bean(AgentActions.class).register(RequestEndpoint.MAIN, "count", (request) -> {
			handled.incrementAndGet();
			return null;
		});
		TestCertificate impostor = TestCertificate.unwritten("impostor");
		assertThat(callOnce(this.agent.endpoint(), (socket) -> this.alice.client(socket, impostor.publicKey())))
			.isNull();
		assertThat(handled).hasValue(0);
	}

	@Test
	void aKeyAddedIsAcceptedAndAKeyRemovedIsRefusedWithoutARestart() throws Exception {
		TestCertificate bob = TestCertificate.write(this.dir.resolve("keys"), "bob", "");
		assertThat(callOnce(this.agent.endpoint(), (socket) -> bob.client(socket, this.server.publicKey()))).isNull();
		Path bobsKey = bob.authorizeIn(this.authorized);
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
			.until(() -> callOnce(this.agent.endpoint(), (socket) -> bob.client(socket, this.server.publicKey())) != null);
		Files.delete(bobsKey);
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
			.until(() -> callOnce(this.agent.endpoint(), (socket) -> bob.client(socket, this.server.publicKey())) == null);
	}

	/** On the test's thread (through the client's loop), and on a thread that owns its sockets (a handler's way). */
	@ParameterizedTest(name = "on its own sockets: {0}")
	@ValueSource(booleans = { false, true })
	void theAgentsClientsPinTheServerKeyTheyAreGiven(boolean ownSockets) {
		AgentClients clients = this.agent.bean(AgentClients.class);
		ObjectNode request = mapper.createObjectNode().put("action", "whoami");
		String suffix = ownSockets ? "-own" : "";
		JsonNode reply = on(ownSockets, () -> clients
			.create("right-key" + suffix, java.util.List.of(this.agent.endpoint()), this.server.publicKey())
			.call(request, Duration.ofSeconds(5)));
		assertThat(reply.path("status").asString()).isEqualTo("ok");
		assertThat(reply.path("peer").asString()).as("an agent calls under its own key")
			.isEqualTo(this.server.publicKey());
		JsonNode refused = on(ownSockets, () -> clients
			.create("wrong-key" + suffix, java.util.List.of(this.agent.endpoint()),
					TestCertificate.unwritten("x").publicKey())
			.call(request, Duration.ofSeconds(2)));
		assertThat(refused.path("status").asString()).isEqualTo("error");
		JsonNode noKey = on(ownSockets, () -> clients.create("no-key" + suffix, java.util.List.of(this.agent.endpoint()))
			.call(request, Duration.ofSeconds(2)));
		assertThat(noKey.path("error").asString()).isEqualTo("unavailable");
		assertThat(noKey.path("message").asString()).contains("public key");
	}

	/**
	 * While a service's key is rotated, its pods hold the old key or the new one: a client given
	 * both pins one, and a connection that never completes its handshake is made again with the
	 * other.
	 */
	@ParameterizedTest(name = "on its own sockets: {0}")
	@ValueSource(booleans = { false, true })
	void aClientGivenTheOldAndTheNewKeyReachesAServerThatHoldsEither(boolean ownSockets) {
		AgentClients clients = this.agent.bean(AgentClients.class);
		ObjectNode request = mapper.createObjectNode().put("action", "whoami");
		String other = TestCertificate.unwritten("rotated-away").publicKey();
		for (String keys : new String[] { other + "," + this.server.publicKey(), this.server.publicKey() + ", " + other }) {
			JsonNode reply = on(ownSockets, () -> clients.create("rotating", java.util.List.of(this.agent.endpoint()), keys)
				.call(request, Duration.ofSeconds(15)));
			assertThat(reply.path("status").asString()).as("with keys %s: %s", keys, reply).isEqualTo("ok");
		}
	}

	@Test
	void onlyTheCallerThatSentARequestCanCancelIt() throws Exception {
		CountDownLatch gate = new CountDownLatch(1);
		this.agent.bean(AgentActions.class).register(RequestEndpoint.MAIN, "hold", (request) -> {
			gate.await(30, TimeUnit.SECONDS);
			return null;
		});
		RequestEndpoint endpoint = this.agent.bean(dev.agentry.core.endpoint.RequestEndpoints.class)
			.get(RequestEndpoint.MAIN)
			.orElseThrow();
		try (ZmqTestClient client = ZmqTestClient.dealer(this.agent.endpoint(),
				(socket) -> this.alice.client(socket, this.server.publicKey()))) {
			client.send("{\"action\":\"hold\",\"id\":\"7\"}");
			client.send("{\"action\":\"hold\",\"id\":7,\"on_behalf_of\":\"carol\"}");
			await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.inflight() == 2);
			assertThat(endpoint.cancel(StringNode.valueOf("7"), "mallory").get(5, TimeUnit.SECONDS))
				.isEqualTo(RequestEndpoint.Cancelled.FORBIDDEN);
			assertThat(endpoint.cancel(mapper.getNodeFactory().numberNode(7), this.alice.publicKey())
				.get(5, TimeUnit.SECONDS)).as("7 is carol's, sent on her behalf").isEqualTo(RequestEndpoint.Cancelled.FORBIDDEN);
			assertThat(endpoint.cancel(StringNode.valueOf("7"), this.alice.publicKey()).get(5, TimeUnit.SECONDS))
				.isEqualTo(RequestEndpoint.Cancelled.CANCELLED);
			JsonNode cancelled = client.receive();
			assertThat(cancelled.path("id").asString()).isEqualTo("7");
			assertThat(cancelled.path("error").asString()).isEqualTo("cancelled");
			assertThat(endpoint.inflight()).as("the number 7 is another request").isEqualTo(1);
			assertThat(endpoint.cancel(mapper.getNodeFactory().numberNode(7), "carol").get(5, TimeUnit.SECONDS))
				.isEqualTo(RequestEndpoint.Cancelled.CANCELLED);
			assertThat(client.receive().path("id").asInt()).isEqualTo(7);
		}
		finally {
			gate.countDown();
		}
	}

	/** One request on a fresh socket; its reply, or {@code null} when none comes in time. */
	private JsonNode callOnce(String endpoint, java.util.function.Consumer<ZMQ.Socket> setUp) {
		return callOnce(endpoint, setUp, NO_REPLY_WAIT_MILLIS);
	}

	private JsonNode callOnce(String endpoint, java.util.function.Consumer<ZMQ.Socket> setUp, int waitMillis) {
		ZMQ.Socket socket = this.peers.createSocket(SocketType.DEALER);
		try {
			socket.setLinger(0);
			socket.setReceiveTimeOut(waitMillis);
			setUp.accept(socket);
			socket.connect(endpoint);
			socket.send(new byte[0], ZMQ.SNDMORE);
			socket.send("{\"action\":\"health_check\"}");
			byte[] delimiter = socket.recv(0);
			if (delimiter == null) {
				return null;
			}
			return mapper.readTree(socket.recv(0));
		}
		finally {
			socket.close();
		}
	}

	private double denied(String socket, String reason) {
		Counter counter = this.agent.bean(MeterRegistry.class)
			.find("agent.auth.denied")
			.tags("socket", socket, "reason", reason)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	static Map<String, String> curve(TestCertificate certificate, Path authorized) {
		Map<String, String> properties = new HashMap<>();
		properties.put("agent.zmq.curve.certificate", certificate.secretFile().toString());
		properties.put("agent.zmq.curve.authorized-keys", authorized.toString());
		return properties;
	}


	/**
	 * Runs {@code call} on a thread that owns the sockets it makes and closes them as it ends
	 * ({@code ownSockets}), or on this one.
	 */
	private static JsonNode on(boolean ownSockets, Supplier<JsonNode> call) {
		if (!ownSockets) {
			return call.get();
		}
		AtomicReference<JsonNode> reply = new AtomicReference<>();
		Thread owner = new Thread(() -> CallerSockets.run(() -> reply.set(call.get())), "owner");
		owner.start();
		try {
			owner.join(Duration.ofMinutes(2).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		assertThat(owner.isAlive()).as("the owner's call ended").isFalse();
		return reply.get();
	}

}
