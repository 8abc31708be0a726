package dev.agentry.samples.attacks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.RawZmtpPeer;
import dev.agentry.test.ZmqTestClient;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13's attacks, each against real sample agents from the packaged jar in child JVMs with
 * a small heap ({@value #HEAP}), on loopback only. Every test makes the same four checks after
 * its attack: the agent still answers OTHER peers (a plain JeroMQ REQ's {@code health_check} on
 * the endpoint and the health socket, within a generous bound: a hang is a bug, a slow answer
 * is not), the child did not die and logged no {@code OutOfMemoryError}, liveness says UP (these
 * attacks must be survived, so UP is the truth only if it still serves), and the refusal is
 * counted in {@code /actuator/prometheus}.
 *
 * An attack that can break its agent gets an agent of its own, so that one defect shows up in
 * one test; the strict-input and coordinator tests share a registry, worker and coordinator
 * (the registry-link test runs last, since it replaces that worker).
 * All children start at once in {@link #startAgents()} and are killed in {@link #stopAgents()}.
 * Nothing here logs a payload: assertion messages give sizes and counts only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostilePeersIT {

	static final String HEAP = "256m";

	private static final Path JAR = Path.of("target", "agent-samples.jar");

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** ZmqTestClient's own bound: five 5 s warm-up attempts, then a 10 s reply. Generous, never a speed. */
	private static final Duration ANSWER_BOUND = Duration.ofSeconds(40);

	private static final String HEALTH_CHECK = "{\"action\":\"health_check\",\"id\":\"other-peer\"}";

	private static Path dir;

	private static final List<AgentProcess> children = Collections.synchronizedList(new ArrayList<>());

	/** Shared: strict input (h), the coordinator's large request (f) and its registry link (f'). */
	private static AgentProcess registry;

	private static AgentProcess worker;

	private static AgentProcess coordinator;

	/** One agent per attack that can take its agent down. */
	private static AgentProcess negativeSizeTarget;

	private static AgentProcess stalledFramesTarget;

	private static AgentProcess bigInflightTarget;

	private static AgentProcess neverReadsTarget;

	private static AgentProcess registryTarget;

	private static AgentProcess floodTarget;

	private static AgentProcess interrupts;

	@BeforeAll
	static void startAgents() throws Exception {
		dir = Files.createTempDirectory("agentry-hostile");
		int publishPort = FreePorts.next();
		registry = start("service-registry", "registry", Map.of());
		// Its ports are chosen at start; the others may know them before it is ready.
		int registryPort = registry.ports().endpoint();
		worker = start("model-worker", "worker",
				Map.of("agent.registry.endpoint", "tcp://127.0.0.1:" + registryPort, "model-worker.latency", "20ms"));
		coordinator = start("request-coordinator", "coordinator",
				Map.of("agent.registry.endpoint", "tcp://127.0.0.1:" + registryPort));
		negativeSizeTarget = start("model-worker", "a-negative-size", Map.of());
		stalledFramesTarget = start("model-worker", "b-stalled-frames", Map.of());
		// Long service time and a short request timeout: the requests it takes are answered
		// ok or timeout within seconds, the rest unavailable at once.
		bigInflightTarget = start("model-worker", "c-big-inflight",
				Map.of("model-worker.latency", "5s", "agent.endpoint.request-timeout", "10s"));
		neverReadsTarget = start("model-worker", "d-never-reads", Map.of());
		registryTarget = start("service-registry", "e-registry", Map.of());
		interrupts = start("streaming-interrupt-handler", "g-interrupts",
				Map.of("streaming-interrupt-handler.publish-bind", "tcp://127.0.0.1:" + publishPort));
		floodTarget = start("model-worker", "g-flooded",
				Map.of("model-worker.latency", "60s", "agent.endpoint.threads", "2",
						"agent.endpoint.request-timeout", "120s", "model-worker.interrupt-endpoint",
						"tcp://127.0.0.1:" + publishPort));
		for (AgentProcess child : List.copyOf(children)) {
			// Ten JVMs starting at once on a small shared machine.
			child.awaitReady(Duration.ofSeconds(180));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> lookup(registry, "model-worker").size() == 1);
	}

	@AfterAll
	static void stopAgents() {
		for (AgentProcess child : List.copyOf(children)) {
			child.close();
		}
	}

	private static AgentProcess start(String command, String label, Map<String, String> extra) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("agent.shutdown.drain-timeout", "2s");
		properties.put("agent.shutdown.worker-join-timeout", "2s");
		properties.put("agent.registry.heartbeat-interval", "500ms");
		properties.put("agent.registry.ttl", "3s");
		if (command.equals("model-worker")) {
			// Nobody publishes there unless the test says so; never the default 5532 of a real system.
			properties.put("model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + FreePorts.next());
		}
		properties.putAll(extra);
		AgentProcess child = AgentLauncher.jar(JAR, command)
			.name(label)
			.jvmOptions("-Xmx" + HEAP, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
			.properties(properties)
			.directory(dir)
			.start();
		children.add(child);
		return child;
	}

	// ---------------------------------------------------------------------------------------
	// a. One 9-byte frame header announcing 2^64-1 bytes, after a normal handshake.
	// ---------------------------------------------------------------------------------------

	@Test
	void negativeFrameSizeDisconnectsOnlyThatPeer() {
		AgentProcess target = negativeSizeTarget;
		List<String> refused = new ArrayList<>();
		// The endpoint first, then the health socket, each attacked once.
		for (int port : new int[] { target.ports().endpoint(), target.ports().health() }) {
			try (RawZmtpPeer attacker = RawZmtpPeer.connect(port)) {
				// 02 ff ff ff ff ff ff ff ff: a long frame of 2^64-1 bytes, i.e. -1 as a Java long.
				attacker.sendRaw(RawZmtpPeer.longFrameHeader(-1L));
				// Give the agent a moment to read it; whether it closes us first is its business.
				attacker.closedByPeer(Duration.ofSeconds(1));
			}
			catch (java.io.UncheckedIOException ex) {
				// Deaf already (the first attack killed the I/O thread both sockets share):
				// the checks below say so.
				refused.add("no handshake on port " + port);
			}
		}
		assertServesOthers(target, "a negative frame size " + refused);
		await("agent_peer_disconnects_total counts the dropped peers").atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(Prometheus.scrape(target).sum("agent_peer_disconnects_total", Map.of()))
				.as("agent_peer_disconnects_total of %s", target.name())
				.isGreaterThanOrEqualTo(2));
	}

	// ---------------------------------------------------------------------------------------
	// b. 600 handshaken peers, each announcing a 1,048,000-byte frame and stalling.
	// ---------------------------------------------------------------------------------------

	@Test
	void stalledLargeFramesDoNotExhaustTheHeap() throws Exception {
		AgentProcess target = stalledFramesTarget;
		int port = target.ports().endpoint();
		List<RawZmtpPeer> attackers = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger handshakesFailed = new AtomicInteger();
		AtomicInteger skipped = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		try {
			for (int i = 0; i < 600; i++) {
				pool.execute(() -> {
					// An agent that stopped completing handshakes is not attacked further: the
					// checks below say what became of it.
					if (handshakesFailed.get() >= 10 || System.nanoTime() - deadline > 0) {
						skipped.incrementAndGet();
						return;
					}
					try {
						RawZmtpPeer attacker = RawZmtpPeer.connect("127.0.0.1", port, Duration.ofSeconds(10));
						attackers.add(attacker);
						// Within agent.zmq.max-message-size (1 MiB), and then nothing more.
						attacker.sendRaw(RawZmtpPeer.longFrameHeader(1_048_000L));
						attacker.sendRaw(new byte[] { '{' });
					}
					catch (RuntimeException ex) {
						handshakesFailed.incrementAndGet();
					}
				});
			}
			pool.shutdown();
			pool.awaitTermination(90, TimeUnit.SECONDS);
			// The attackers stay open (and stalled) while the agent must serve others.
			String attack = "600 stalled 1,048,000-byte frames (" + attackers.size() + " handshaken, "
					+ handshakesFailed.get() + " handshakes failed, " + skipped.get() + " not tried)";
			assertServesOthers(target, attack);
			int dropped = 0;
			for (RawZmtpPeer attacker : List.copyOf(attackers)) {
				if (attacker.closedByPeer(Duration.ofMillis(1))) {
					dropped++;
				}
			}
			assertThat(skipped.get()).as("%s: every attacker tried", attack).isZero();
			// The agent may keep them (nothing allocated up front) or refuse or drop some (a
			// bounded total); whatever it refused or dropped it counts.
			assertThat(Prometheus.scrape(target).sum("agent_peer_disconnects_total", Map.of()))
				.as("agent_peer_disconnects_total of %s, having dropped %d of %d stalled peers and refused %d handshakes",
						target.name(), dropped, attackers.size(), handshakesFailed.get())
				.isGreaterThanOrEqualTo(dropped + handshakesFailed.get());
		}
		finally {
			pool.shutdownNow();
			attackers.forEach(RawZmtpPeer::close);
		}
		assertServesOthers(target, "600 stalled 1,048,000-byte frames, closed");
	}

	// ---------------------------------------------------------------------------------------
	// c. 1,000 infer requests of ~1 MB each in flight, on a worker with a 5 s service time.
	// ---------------------------------------------------------------------------------------

	@Test
	void thousandMegabyteRequestsInFlightAreEachAnsweredAndTheHeapHolds() throws Exception {
		AgentProcess target = bigInflightTarget;
		byte[] text = "a".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII);
		int connections = 10;
		int perConnection = 100;
		Map<String, String> outcomes = new ConcurrentHashMap<>();
		AtomicInteger duplicates = new AtomicInteger();
		List<RawZmtpPeer> peers = new ArrayList<>();
		for (int c = 0; c < connections; c++) {
			peers.add(RawZmtpPeer.connect("127.0.0.1", target.ports().endpoint(), Duration.ofSeconds(2)));
		}
		ExecutorService pool = Executors.newFixedThreadPool(2 * connections);
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		try {
			List<Future<?>> readers = new ArrayList<>();
			for (int c = 0; c < connections; c++) {
				RawZmtpPeer peer = peers.get(c);
				int connection = c;
				// A writer's failure (the agent closed, or the test did) shows in the replies counted.
				pool.submit(() -> {
					for (int i = 0; i < perConnection; i++) {
						String id = "c-" + connection + "-" + i;
						// 1,000,047 bytes: inside max-message-size, one shared 1 MB array for all.
						peer.sendRequest(("{\"action\":\"infer\",\"id\":\"" + id + "\",\"text\":\"")
							.getBytes(StandardCharsets.US_ASCII), text, "\"}".getBytes(StandardCharsets.US_ASCII));
					}
				});
				readers.add(pool.submit(() -> {
					int received = 0;
					while (received < perConnection && System.nanoTime() - deadline < 0) {
						String reply = peer.readReplyText();
						if (reply == null) {
							continue;
						}
						received++;
						JsonNode node = mapper.readTree(reply);
						String outcome = "ok".equals(node.path("status").asString(""))
								? "ok" : node.path("error").asString("?");
						if (outcomes.put(node.path("id").asString(""), outcome) != null) {
							duplicates.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> reader : readers) {
				try {
					reader.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				}
				catch (java.util.concurrent.TimeoutException ex) {
					break;
				}
				catch (java.util.concurrent.ExecutionException ex) {
					// The connection failed; the count below tells.
				}
			}
		}
		finally {
			pool.shutdownNow();
			peers.forEach(RawZmtpPeer::close);
		}
		Map<String, Integer> tally = new java.util.TreeMap<>();
		outcomes.values().forEach((outcome) -> tally.merge(outcome, 1, Integer::sum));
		assertServesOthers(target, "1,000 requests of 1 MB in flight");
		assertThat(outcomes).as("replies to 1,000 requests of 1 MB, by outcome %s", tally).hasSize(1000);
		assertThat(duplicates.get()).as("requests answered twice").isZero();
		assertThat(tally.keySet()).as("outcomes").isSubsetOf(Set.of("ok", "unavailable", "timeout"));
		assertThat(Prometheus.scrape(target).sum("agent_requests_total",
				Map.of("action", "infer", "outcome", "unavailable")))
			.as("agent_requests_total{action=infer,outcome=unavailable}")
			.isGreaterThanOrEqualTo(tally.getOrDefault("unavailable", 0));
		assertThat(target.log()).as("the log names no payload").doesNotContain("a".repeat(200));
		assertThat(infer(target, "a good day")).isEqualTo("ok");
	}

	// ---------------------------------------------------------------------------------------
	// d. A peer that never reads, sending requests with 900 KB ids.
	// ---------------------------------------------------------------------------------------

	@Test
	void hugeIdsFromAPeerThatNeverReadsAreRefusedAndBounded() throws Exception {
		AgentProcess target = neverReadsTarget;
		double before = Prometheus.scrape(target).sum("agent_requests_total", Map.of("outcome", "bad_request"));
		byte[] id = "i".repeat(900_000).getBytes(StandardCharsets.US_ASCII);
		int requests = 600;
		RawZmtpPeer attacker = RawZmtpPeer.connect(target.ports().endpoint());
		ExecutorService writer = Executors.newSingleThreadExecutor();
		try {
			Future<?> sent = writer.submit(() -> {
				for (int i = 0; i < requests; i++) {
					attacker.sendRequest("{\"action\":\"infer\",\"text\":\"x\",\"id\":\"".getBytes(StandardCharsets.US_ASCII),
							id, "\"}".getBytes(StandardCharsets.US_ASCII));
				}
			});
			boolean allSent;
			try {
				sent.get(60, TimeUnit.SECONDS);
				allSent = true;
			}
			catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
				allSent = false;
			}
			// The attacker is still connected and still not reading.
			assertServesOthers(target, "a peer that never reads, with 900 KB ids");
			assertThat(allSent).as("the agent read all %d requests of 900 KB within 60 s", requests).isTrue();
			await("every 900 KB id refused as bad_request").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(
						Prometheus.scrape(target).sum("agent_requests_total", Map.of("outcome", "bad_request")) - before)
					.as("agent_requests_total{outcome=bad_request} since the attack")
					.isGreaterThanOrEqualTo(requests));
		}
		finally {
			writer.shutdownNow();
			attacker.close();
		}
		assertThat(target.log()).as("the log names no payload").doesNotContain("i".repeat(200));
		assertServesOthers(target, "a peer that never read, with 900 KB ids, gone");
	}

	// ---------------------------------------------------------------------------------------
	// e. The registry fed 900 KB entries, and entries that are not tcp://host:port.
	// ---------------------------------------------------------------------------------------

	@Test
	void registryRefusesHugeAndMalformedEntries() throws Exception {
		AgentProcess target = registryTarget;
		byte[] big = "h".repeat(900_000).getBytes(StandardCharsets.US_ASCII);
		int entries = 500;
		Map<String, Integer> tally = new ConcurrentHashMap<>();
		RawZmtpPeer attacker = RawZmtpPeer.connect("127.0.0.1", target.ports().endpoint(), Duration.ofSeconds(2));
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			pool.submit(() -> {
				for (int i = 0; i < entries; i++) {
					attacker.sendRequest(("{\"action\":\"register\",\"service\":\"hostile\",\"instance\":\"e-" + i
							+ "\",\"endpoint\":\"tcp://127.0.0.1:1\",\"ttl_seconds\":3600,\"health_endpoint\":\"")
						.getBytes(StandardCharsets.US_ASCII), big, "\"}".getBytes(StandardCharsets.US_ASCII));
				}
			});
			Future<?> reader = pool.submit(() -> {
				long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
				int received = 0;
				while (received < entries && System.nanoTime() - deadline < 0) {
					String reply = attacker.readReplyText();
					if (reply != null) {
						received++;
						JsonNode node = mapper.readTree(reply);
						tally.merge(node.path("error").asString(node.path("status").asString("?")), 1, Integer::sum);
					}
				}
				return null;
			});
			try {
				reader.get(100, TimeUnit.SECONDS);
			}
			catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
				// Counted below.
			}
		}
		finally {
			pool.shutdownNow();
			attacker.close();
		}
		assertServesOthers(target, "500 registry entries of 900 KB");
		assertThat(tally).as("replies to %d registrations of 900 KB, by outcome", entries)
			.isEqualTo(Map.of("bad_request", entries));
		assertThat(lookup(target, "hostile")).as("entries over 4 KB stored").isEmpty();
		SoftAssertions soft = new SoftAssertions();
		for (String endpoint : List.of("ipc:///tmp/agent", "tcp://127.0.0.1", "tcp://:5555", "http://127.0.0.1:80",
				"tcp://127.0.0.1:5555/x", "tcp://127.0.0.1:99999")) {
			JsonNode reply = target.call("{\"action\":\"register\",\"service\":\"hostile\",\"instance\":\"bad-endpoint\","
					+ "\"endpoint\":\"" + endpoint + "\"}");
			soft.assertThat(reply.path("error").asString("")).as("register endpoint %s", endpoint).isEqualTo("bad_request");
		}
		JsonNode fine = target.call("{\"action\":\"register\",\"service\":\"fine\",\"instance\":\"f-1\","
				+ "\"endpoint\":\"tcp://127.0.0.1:5555\",\"health_endpoint\":\"tcp://127.0.0.1:5556\"}");
		soft.assertThat(fine.path("registered").asBoolean()).as("a normal registration").isTrue();
		soft.assertAll();
		assertThat(Prometheus.scrape(target).sum("agent_requests_total",
				Map.of("action", "register", "outcome", "bad_request")))
			.as("agent_requests_total{action=register,outcome=bad_request}")
			.isGreaterThanOrEqualTo(entries + 6);
		assertThat(target.log()).as("the log names no payload").doesNotContain("h".repeat(200));
	}

	// ---------------------------------------------------------------------------------------
	// f. Through the coordinator: a request of 1,048,568 bytes whose reply would pass 1 MiB.
	// ---------------------------------------------------------------------------------------

	@Test
	void aRequestWhoseReplyWouldBeTooLargeCostsOnlyThatRequest() {
		String prefix = "{\"action\":\"infer\",\"text\":\"a fine day\",\"id\":\"";
		String suffix = "\"}";
		// The worker echoes the id: its reply is then just over 1 MiB, which the coordinator's
		// client would refuse (ZMQ_MAXMSGSIZE) and JeroMQ would drop that connection for good.
		String request = prefix + "f".repeat(1_048_568 - prefix.length() - suffix.length()) + suffix;
		assertThat(request.length()).isEqualTo(1_048_568);
		assertThat(infer(coordinator, "warm")).as("the coordinator before the attack").isEqualTo("ok");
		double refusedBefore = Prometheus.scrape(coordinator).sum("agent_requests_total", Map.of("action", "infer"))
				- Prometheus.scrape(coordinator).sum("agent_requests_total", Map.of("action", "infer", "outcome", "ok"));
		JsonNode reply;
		try (ZmqTestClient user = ZmqTestClient.dealer(coordinator.endpoint(), 30_000)) {
			user.send(request);
			reply = user.receive();
		}
		assertThat(reply).as("the user's reply to a request of 1,048,568 bytes within 30 s").isNotNull();
		String answered = reply.path("status").asString("") + " " + reply.path("error").asString("");
		// Later requests through the coordinator reach the worker again, soon.
		await("a normal infer through the coordinator (the large request was answered " + answered + ")")
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "ok".equals(infer(coordinator, "a good day")));
		for (int i = 0; i < 5; i++) {
			assertThat(infer(coordinator, "a good day " + i)).as("infer %d after the large one", i).isEqualTo("ok");
		}
		// Refused for its id (over 256 characters), or answered internal for a reply too large.
		assertThat(answered).as("the large request's reply").isIn("error bad_request", "error internal");
		double refusedAfter = Prometheus.scrape(coordinator).sum("agent_requests_total", Map.of("action", "infer"))
				- Prometheus.scrape(coordinator).sum("agent_requests_total", Map.of("action", "infer", "outcome", "ok"));
		assertThat(refusedAfter - refusedBefore).as("the coordinator's infer errors counted").isGreaterThanOrEqualTo(1);
		assertServesOthers(coordinator, "a 1,048,568-byte request");
		assertServesOthers(worker, "a 1,048,568-byte request through the coordinator");
		assertThat(coordinator.log() + worker.log()).as("the logs name no payload").doesNotContain("f".repeat(200));
	}

	// ---------------------------------------------------------------------------------------
	// f'. The coordinator's registry link: two 600 KB registrations make a lookup reply over
	// 1 MiB. Runs last: it replaces the shared worker.
	// ---------------------------------------------------------------------------------------

	@Test
	@Order(Integer.MAX_VALUE)
	void aLookupReplyOverTheLimitDoesNotCutTheCoordinatorOffTheRegistry() {
		String big = "l".repeat(600_000);
		Map<String, String> registered = new LinkedHashMap<>();
		for (String instance : List.of("huge-1", "huge-2")) {
			JsonNode reply = registry.call("{\"action\":\"register\",\"service\":\"model-worker\",\"instance\":\""
					+ instance + "\",\"endpoint\":\"tcp://127.0.0.1:1\",\"ttl_seconds\":3600,\"health_endpoint\":\""
					+ big + "\"}");
			registered.put(instance, reply.path("status").asString("") + " " + reply.path("error").asString(""));
		}
		// Two refreshes of the coordinator (every 500 ms) see the large lookup, if it was stored.
		sleep(Duration.ofSeconds(2));
		for (String instance : registered.keySet()) {
			registry.call("{\"action\":\"deregister\",\"service\":\"model-worker\",\"instance\":\"" + instance + "\"}");
		}
		// The coordinator must learn of a new worker through the registry, and lose the old one.
		AgentProcess replacement = start("model-worker", "f2-replacement-worker",
				Map.of("agent.registry.endpoint", "tcp://127.0.0.1:" + registry.ports().endpoint()));
		replacement.awaitReady(Duration.ofSeconds(120));
		String instance;
		try (ZmqTestClient health = ZmqTestClient.req(replacement.healthEndpoint())) {
			instance = health.call("{\"action\":\"health_check\"}").path("instance").asString("");
		}
		worker.kill();
		await("an infer through the coordinator answered by the replacement worker (the 600 KB registrations were answered "
				+ registered + ")")
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> {
				JsonNode reply = coordinator.call("{\"action\":\"infer\",\"text\":\"a good day\"}");
				return instance.equals(reply.path("worker").asString(""));
			});
		assertThat(registered.values()).as("registrations over 4 KB").containsOnly("error bad_request");
		assertServesOthers(coordinator, "a lookup reply over 1 MiB");
		assertServesOthers(registry, "two registrations of 600 KB");
		assertThat(registry.log() + coordinator.log()).as("the logs name no payload").doesNotContain("l".repeat(200));
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// ---------------------------------------------------------------------------------------
	// g. 200 interrupts against 1,000 queued 60 KB requests on a worker with 2 handler threads.
	// ---------------------------------------------------------------------------------------

	@Test
	void anInterruptFloodDoesNotStallTheEndpoint() throws Exception {
		AgentProcess target = floodTarget;
		try (ZmqTestClient probe = ZmqTestClient.dealer(target.endpoint(), 30_000);
				ZmqTestClient interrupter = ZmqTestClient.dealer(interrupts.endpoint(), 30_000)) {
			awaitSubscribed(probe, interrupter);
			byte[] text = "b".repeat(60_000).getBytes(StandardCharsets.US_ASCII);
			int queued = 990;
			RawZmtpPeer loader = RawZmtpPeer.connect(target.ports().endpoint());
			try {
				for (int i = 0; i < queued; i++) {
					loader.sendRequest(("{\"action\":\"infer\",\"id\":\"g-" + i + "\",\"text\":\"")
						.getBytes(StandardCharsets.US_ASCII), text, "\"}".getBytes(StandardCharsets.US_ASCII));
				}
				// Each either queued or refused (max-inflight-bytes may refuse a few near its 64 MB).
				await("990 requests of 60 KB taken in").atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(200))
					.until(() -> healthInflight(target) + Prometheus.scrape(target)
						.sum("agent_requests_total", Map.of("action", "infer", "outcome", "unavailable")) >= queued);
				int inflight = healthInflight(target);
				assertThat(inflight).as("requests of 60 KB queued on 2 handler threads").isGreaterThanOrEqualTo(900);
				// 200 interrupts for requests that are not there: each one has to be looked up
				// among the 990 queued ones.
				for (int i = 0; i < 200; i++) {
					interrupter.send("{\"action\":\"interrupt\",\"id\":\"flood-" + i + "\",\"request_id\":\"absent-" + i
							+ "\"}");
				}
				for (int i = 0; i < 200; i++) {
					assertThat(interrupter.receive()).as("the interrupt handler's reply %d", i).isNotNull();
				}
				Duration slowest = Duration.ZERO;
				String flood = "200 interrupts over " + inflight + " queued requests";
				for (int i = 0; i < 5; i++) {
					long start = System.nanoTime();
					probe.send("{\"action\":\"health_check\",\"id\":\"during-flood-" + i + "\"}");
					JsonNode reply = receive(probe, "during-flood-" + i, Duration.ofSeconds(30));
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					assertThat(reply).as("health_check %d on the flooded endpoint within 30 s", i).isNotNull();
					assertThat(reply.path("id").asString("")).isEqualTo("during-flood-" + i);
					slowest = (took.compareTo(slowest) > 0) ? took : slowest;
					Thread.sleep(200);
				}
				assertThat(slowest).as("the slowest health_check after 200 interrupts (a bound, not a speed)")
					.isLessThan(Duration.ofSeconds(3));
				assertServesOthers(target, flood);
			}
			finally {
				loader.close();
			}
		}
		assertThat(Prometheus.scrape(interrupts).sum("agent_requests_total",
				Map.of("action", "interrupt", "outcome", "ok")))
			.as("interrupts published").isGreaterThanOrEqualTo(200);
	}

	/**
	 * The worker's subscriber joins the publisher asynchronously and an interrupt sent before
	 * that is missed: a request is interrupted until one comes back cancelled.
	 */
	private static void awaitSubscribed(ZmqTestClient worker, ZmqTestClient interrupter) {
		AtomicInteger attempt = new AtomicInteger();
		await("the worker's interrupt subscription").atMost(Duration.ofSeconds(60)).until(() -> {
			String id = "subscribed-" + attempt.incrementAndGet();
			worker.send("{\"action\":\"infer\",\"id\":\"" + id + "\",\"text\":\"probe\"}");
			Thread.sleep(300);
			interrupter.send("{\"action\":\"interrupt\",\"request_id\":\"" + id + "\"}");
			assertThat(interrupter.receive()).isNotNull();
			JsonNode reply = receive(worker, id, Duration.ofSeconds(3));
			return reply != null && "cancelled".equals(reply.path("error").asString(""));
		});
	}

	/** The reply with this id, skipping late replies to earlier requests; null after the timeout. */
	private static JsonNode receive(ZmqTestClient client, String id, Duration timeout) {
		long until = System.nanoTime() + timeout.toNanos();
		try {
			while (System.nanoTime() - until < 0) {
				client.socket().setReceiveTimeOut((int) Math.max(1, (until - System.nanoTime()) / 1_000_000));
				JsonNode reply = client.receive();
				if (reply != null && id.equals(reply.path("id").asString(""))) {
					return reply;
				}
			}
			return null;
		}
		finally {
			client.socket().setReceiveTimeOut(30_000);
		}
	}

	private static int healthInflight(AgentProcess agent) {
		try (ZmqTestClient client = ZmqTestClient.req(agent.healthEndpoint())) {
			return client.call("{\"action\":\"health_check\"}").path("inflight").asInt(-1);
		}
	}

	// ---------------------------------------------------------------------------------------
	// h. Strict input: overlong and surrogate UTF-8, numbers that do not fit, duplicate keys.
	// ---------------------------------------------------------------------------------------

	@Test
	void strictInputIsRefusedAsBadRequest() {
		AgentProcess target = worker;
		double before = Prometheus.scrape(target).sum("agent_requests_total", Map.of("outcome", "bad_request"));
		Map<String, byte[]> bodies = new LinkedHashMap<>();
		// C0 AF: an overlong (two-byte) encoding of '/', which a lax decoder turns into "/".
		bodies.put("overlong UTF-8 in the id", bytes("{\"action\":\"health_check\",\"id\":\"", 0xC0, 0xAF, "\"}"));
		bodies.put("overlong UTF-8 in a field", bytes("{\"action\":\"infer\",\"id\":\"h-2\",\"text\":\"", 0xC0, 0xAF, "\"}"));
		// ED A0 80: U+D800, a lone surrogate, which UTF-8 may not encode.
		bodies.put("surrogate UTF-8", bytes("{\"action\":\"infer\",\"id\":\"h-3\",\"text\":\"", 0xED, 0xA0, 0x80, "\"}"));
		bodies.put("an id that does not fit a number", bytes("{\"action\":\"health_check\",\"id\":1e999999}"));
		// Through infer too, whose replies echo the id (health_check's do not).
		bodies.put("an infer id that does not fit a number", bytes("{\"action\":\"infer\",\"id\":1e999999,\"text\":\"x\"}"));
		bodies.put("a repeated key", bytes("{\"action\":\"infer\",\"id\":\"h-5\",\"text\":\"x\",\"action\":\"health_check\"}"));
		bodies.put("a repeated id", bytes("{\"action\":\"health_check\",\"id\":\"h-6\",\"id\":\"h-7\"}"));
		bodies.put("a repeated field", bytes("{\"action\":\"infer\",\"id\":\"h-8\",\"text\":\"x\",\"text\":\"y\"}"));
		SoftAssertions soft = new SoftAssertions();
		try (ZmqTestClient client = ZmqTestClient.dealer(target.endpoint(), 10_000)) {
			bodies.forEach((what, body) -> {
				client.sendFrames(body);
				JsonNode reply = client.receive();
				soft.assertThat(reply).as("a reply to %s", what).isNotNull();
				if (reply != null) {
					soft.assertThat(reply.path("error").asString(reply.path("status").asString("")))
						.as("the reply to %s (its id: %s)", what, reply.path("id"))
						.isEqualTo("bad_request");
					soft.assertThat(reply.path("id").asString("")).as("the id echoed for %s", what)
						.isNotEqualTo("Infinity")
						.isNotEqualTo("/");
				}
			});
		}
		soft.assertAll();
		assertThat(Prometheus.scrape(target).sum("agent_requests_total", Map.of("outcome", "bad_request")) - before)
			.as("agent_requests_total{outcome=bad_request} since the test began")
			.isGreaterThanOrEqualTo(bodies.size());
		assertServesOthers(target, "strict input");
	}

	private static byte[] bytes(Object... parts) {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		for (Object part : parts) {
			if (part instanceof String text) {
				out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
			}
			else {
				out.write((Integer) part);
			}
		}
		return out.toByteArray();
	}

	// ---------------------------------------------------------------------------------------
	// What every test checks after its attack.
	// ---------------------------------------------------------------------------------------

	/**
	 * The agent is running, answers another peer's {@code health_check} on its endpoint and its
	 * health socket within {@link #ANSWER_BOUND}, has logged no {@code OutOfMemoryError}, and its
	 * liveness says UP, which is true only because it still serves.
	 */
	static void assertServesOthers(AgentProcess agent, String attack) {
		assertThat(agent.isAlive()).as("%s: %s is still running (log %s)", attack, agent.name(), agent.logFile())
			.isTrue();
		for (String address : List.of(agent.endpoint(), agent.healthEndpoint())) {
			long start = System.nanoTime();
			JsonNode reply;
			try (ZmqTestClient other = ZmqTestClient.req(address)) {
				reply = other.call(HEALTH_CHECK);
			}
			catch (IllegalStateException ex) {
				reply = null;
			}
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			int liveness = agent.httpStatus("/actuator/health/liveness");
			assertThat(reply).as("%s: %s answers another peer's health_check at %s (waited %d ms; liveness says %d)",
					attack, agent.name(), address, took.toMillis(), liveness)
				.isNotNull();
			assertThat(reply.path("status").asString("")).as("%s: health_check status", attack).isEqualTo("ok");
			assertThat(took).as("%s: health_check at %s", attack, address).isLessThan(ANSWER_BOUND);
		}
		assertThat(agent.log()).as("%s: %s log %s", attack, agent.name(), agent.logFile())
			.doesNotContain("OutOfMemoryError");
		assertThat(agent.httpStatus("/actuator/health/liveness")).as("%s: %s liveness", attack, agent.name())
			.isEqualTo(200);
		assertThat(agent.httpBody("/actuator/health/liveness")).contains("\"UP\"");
	}

	/** One infer on a fresh connection: "ok" or the error code. */
	private static String infer(AgentProcess agent, String text) {
		JsonNode reply = agent.call("{\"action\":\"infer\",\"text\":\"" + text + "\"}");
		return "ok".equals(reply.path("status").asString("")) ? "ok" : reply.path("error").asString("?");
	}

	private static List<JsonNode> lookup(AgentProcess registry, String service) {
		JsonNode reply = registry.call("{\"action\":\"lookup\",\"service\":\"" + service + "\"}");
		List<JsonNode> instances = new ArrayList<>();
		reply.path("instances").forEach(instances::add);
		return instances;
	}

}
