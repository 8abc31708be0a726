package dev.agentry.core.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.zmq.ZmqSockets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's socket thread sleeps until there is work: eight synchronous callers against
 * an echo peer cost it a few polls per call at most. Counted, never timed.
 */
class AgentClientPollsTests {

	static final double MAX_POLLS_PER_CALL = 5;

	private static final int CALLERS = 8;

	private final ObjectMapper mapper = new AgentJson(JsonMapper.builder().build()).mapper();

	@Test
	void socketThreadPollsAFewTimesPerCallWithEightSynchronousCallers() throws Exception {
		AgentMetrics metrics = new AgentMetrics(new SimpleMeterRegistry(), "test-agent");
		try (ZContext serverContext = new ZContext(1); ZContext clientContext = new ZContext(1)) {
			ZMQ.Socket router = serverContext.createSocket(SocketType.ROUTER);
			router.setLinger(0);
			router.bind("tcp://127.0.0.1:*");
			String endpoint = router.getLastEndpoint();
			// The echo peer: blocking receives on a thread of its own, closed by that thread.
			Thread echo = new Thread(() -> {
				try {
					while (true) {
						byte[] frame = router.recv(0);
						if (frame == null) {
							return;
						}
						router.send(frame, router.hasReceiveMore() ? ZMQ.SNDMORE : 0);
						while (router.hasReceiveMore()) {
							frame = router.recv(0);
							router.send(frame, router.hasReceiveMore() ? ZMQ.SNDMORE : 0);
						}
					}
				}
				catch (RuntimeException ex) {
					// The context closed under the blocking receive: the test is over.
				}
				finally {
					router.close();
				}
			}, "echo-peer");
			echo.setDaemon(true);
			echo.start();
			ZmqSockets sockets = new ZmqSockets(clientContext, Duration.ofMillis(100), 1024 * 1024, (refusal) -> {
			});
			AgentClients clients = new AgentClients(sockets, this.mapper, new ShutdownRecorder(metrics), metrics,
					(failure) -> {
					});
			clients.start();
			try {
				AgentClient client = clients.create("echo", List.of(endpoint));
				callFromEachCaller(client, 200);
				long before = client.polls();
				long calls = callFromEachCaller(client, 2_000);
				long polls = client.polls() - before;
				System.out.println("AgentClientPollsTests " + "" + polls + " polls, " + calls + " messages");
				assertThat((double) polls / calls).as("polls per call (%d polls for %d calls)", polls, calls)
					.isLessThanOrEqualTo(MAX_POLLS_PER_CALL);
			}
			finally {
				clients.stop();
				serverContext.close();
			}
		}
	}

	private long callFromEachCaller(AgentClient client, int callsEach) throws InterruptedException {
		AtomicReference<String> failure = new AtomicReference<>();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < CALLERS; i++) {
			Thread caller = new Thread(() -> {
				for (int call = 0; call < callsEach; call++) {
					JsonNode reply = client.call(this.mapper.createObjectNode().put("action", "echo").put("n", call),
							Duration.ofSeconds(10));
					if (!"echo".equals(reply.path("action").asString(""))) {
						failure.compareAndSet(null, reply.toString());
						return;
					}
				}
			}, "caller-" + i);
			caller.start();
			callers.add(caller);
		}
		for (Thread caller : callers) {
			caller.join();
		}
		assertThat(failure.get()).as("a call that did not get the echo").isNull();
		return (long) CALLERS * callsEach;
	}

}
