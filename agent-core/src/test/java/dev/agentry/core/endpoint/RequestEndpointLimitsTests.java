package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.agentry.core.test.RunningAgent;
import dev.agentry.test.ZmqTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a peer can make an endpoint hold or do: interrupts cost one look-up, bytes in flight
 * are bounded and accounted exactly, and a reply too large for its requester becomes an error
 * that fits instead of a dropped connection. Each test runs its own agent, with a handler
 * ({@code hold}) that blocks until the test opens its gate.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestEndpointLimitsTests {

	@Test
	void floodOfInterruptsAgainstManyQueuedLargeRequestsDoesNotHoldUpOtherRequests() {
		CountDownLatch gate = new CountDownLatch(1);
		// Room for the 1,000 queued requests (about 61.5 MB), not for one more of 600 KB.
		try (RunningAgent agent = start(gate, Map.of("agent.endpoint.threads", "2", "agent.endpoint.max-inflight", "2000",
				"agent.endpoint.max-inflight-bytes", "62000000"));
				ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint());
				ZmqTestClient prober = ZmqTestClient.req(agent.endpoint())) {
			RequestEndpoint endpoint = main(agent);
			String pad = "p".repeat(60 * 1024);
			for (int i = 0; i < 1000; i++) {
				client.send("{\"action\":\"hold\",\"id\":\"q-" + i + "\",\"pad\":\"" + pad + "\"}");
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.inflight() == 1000);
			// 200 interrupts for nothing in flight, 40 for queued requests: each was a walk
			// that re-parsed every queued body on the socket thread (1,000 x 60 KB, 240 times).
			for (int i = 0; i < 200; i++) {
				endpoint.cancel(StringNode.valueOf("absent-" + i), null);
			}
			for (int i = 100; i < 140; i++) {
				endpoint.cancel(StringNode.valueOf("q-" + i), null);
			}
			// A hang-catching bound, not a speed: the prober's receive gives up after 10 s.
			JsonNode health = prober.call("{\"action\":\"health_check\"}");
			assertThat(health).as("health_check answered while interrupts are taken").isNotNull();
			assertThat(health.get("status").asString()).isEqualTo("ok");
			// Refused by the socket thread itself, which the interrupts must not have held up.
			JsonNode refused = prober.call("{\"action\":\"echo\",\"id\":\"probe\",\"pad\":\"" + "e".repeat(600_000) + "\"}");
			assertThat(refused).isNotNull();
			assertThat(refused.get("id").asString()).isEqualTo("probe");
			assertThat(refused.get("error").asString()).isEqualTo("unavailable");
			Set<String> cancelled = new HashSet<>();
			for (int i = 0; i < 40; i++) {
				JsonNode reply = client.receive();
				assertThat(reply.get("error").asString()).isEqualTo("cancelled");
				cancelled.add(reply.get("id").asString());
			}
			assertThat(cancelled).hasSize(40).allMatch((id) -> id.matches("q-1[0-3][0-9]"));
			assertThat(endpoint.inflight()).isEqualTo(960);
			await().atMost(Duration.ofSeconds(5)).until(() -> count(agent, "cancelled") == 40);
			gate.countDown();
			for (int i = 0; i < 960; i++) {
				JsonNode reply = client.receive();
				assertThat(reply).as("reply %d", i).isNotNull();
				assertThat(reply.get("status").asString()).isEqualTo("ok");
			}
			// Queued handlers of cancelled requests let their bodies go too: nothing is left accounted.
			await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.inflightBytes() == 0);
		}
	}

	@Test
	void requestsOverMaxInflightBytesAreUnavailableCountedAndTheBytesReturnToZero(CapturedOutput output) {
		CountDownLatch gate = new CountDownLatch(1);
		try (RunningAgent agent = start(gate, Map.of("agent.endpoint.max-inflight-bytes", "1MB"));
				ZmqTestClient client = ZmqTestClient.dealer(agent.endpoint())) {
			RequestEndpoint endpoint = main(agent);
			String pad = "b".repeat(300_000);
			for (int i = 0; i < 3; i++) {
				client.send("{\"action\":\"hold\",\"id\":" + i + ",\"pad\":\"" + pad + "\"}");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.inflight() == 3);
			assertThat(endpoint.inflightBytes()).isGreaterThan(900_000).isLessThanOrEqualTo(1024 * 1024);
			client.send("{\"action\":\"hold\",\"id\":\"over\",\"pad\":\"" + pad + "\"}");
			JsonNode refused = client.receive();
			assertThat(refused.get("id").asString()).isEqualTo("over");
			assertThat(refused.get("error").asString()).isEqualTo("unavailable");
			assertThat(refused.get("retryable").asBoolean()).isTrue();
			assertThat(refused.get("message").asString()).contains("max-inflight-bytes");
			await().atMost(Duration.ofSeconds(5)).until(() -> count(agent, "unavailable") == 1);
			// Bytes, not requests: a small one still fits.
			client.send("{\"action\":\"echo\",\"id\":\"small\"}");
			JsonNode small = client.receive();
			assertThat(small.get("id").asString()).isEqualTo("small");
			assertThat(small.get("status").asString()).isEqualTo("ok");
			gate.countDown();
			for (int i = 0; i < 3; i++) {
				assertThat(client.receive().get("status").asString()).isEqualTo("ok");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.inflightBytes() == 0);
			assertThat(endpoint.inflight()).isZero();
		}
		assertThat(output.getAll().lines().filter((line) -> line.contains(" WARN ") && line.contains("max-inflight-bytes")))
			.hasSize(1);
		assertThat(output.getAll()).doesNotContain("bbbbbbbbbb");
	}

	@Test
	void replyLargerThanTheRequesterAcceptsBecomesAnInternalErrorAndTheConnectionKeepsWorking(
			CapturedOutput output) {
		try (RunningAgent agent = start(new CountDownLatch(0), Map.of());
				// What an agent's own client accepts by default (agent.zmq.max-message-size).
				ZmqTestClient client = ZmqTestClient.dealerWithMaxMessageSize(agent.endpoint(), 1024 * 1024)) {
			agent.bean(AgentActions.class)
				.register(RequestEndpoint.MAIN, "big", (request) -> Map.of("data", "BIG-PAYLOAD".repeat(200_000)));
			JsonNode reply = client.call("{\"action\":\"big\",\"id\":\"b-1\"}");
			assertThat(reply).as("an error reply, not a dropped connection").isNotNull();
			assertThat(reply.get("id").asString()).isEqualTo("b-1");
			assertThat(reply.get("error").asString()).isEqualTo("internal");
			assertThat(reply.get("message").asString()).contains("too large").contains("1048576");
			await().atMost(Duration.ofSeconds(5)).until(() -> count(agent, "internal") == 1);
			assertThat(client.call("{\"action\":\"echo\",\"id\":\"after\"}").get("status").asString()).isEqualTo("ok");
			await().atMost(Duration.ofSeconds(10)).until(() -> main(agent).inflightBytes() == 0);
		}
		assertThat(output.getAll().lines().filter((line) -> line.contains(" WARN ") && line.contains("in place of a reply")))
			.hasSize(1);
		assertThat(output.getAll()).doesNotContain("BIG-PAYLOAD");
	}

	private static RunningAgent start(CountDownLatch gate, Map<String, String> properties) {
		Map<String, String> all = new LinkedHashMap<>(properties);
		all.putIfAbsent("agent.endpoint.request-timeout", "60s");
		all.putIfAbsent("agent.shutdown.drain-timeout", "1s");
		RunningAgent agent = RunningAgent.start(all);
		agent.bean(AgentActions.class).register(RequestEndpoint.MAIN, "hold", (request) -> {
			gate.await(30, TimeUnit.SECONDS);
			return null;
		});
		return agent;
	}

	private static RequestEndpoint main(RunningAgent agent) {
		return agent.bean(RequestEndpoints.class).get(RequestEndpoint.MAIN).orElseThrow();
	}

	private static double count(RunningAgent agent, String outcome) {
		return agent.bean(MeterRegistry.class)
			.find("agent.requests")
			.tag("outcome", outcome)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

}
