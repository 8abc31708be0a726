package dev.agentry.core.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.zmq.DealerLoad;
import dev.agentry.core.zmq.ZmqSockets;
import dev.agentry.core.wire.AgentJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.ZContext;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint's socket thread sleeps until there is work: under load it polls a few times
 * per request at most, on the handler pool and inline. Counted, never timed.
 */
class RequestEndpointPollsTests {

	static final double MAX_POLLS_PER_REQUEST = 5;

	@ParameterizedTest(name = "inline={0}")
	@ValueSource(booleans = { false, true })
	void socketThreadPollsAFewTimesPerRequestUnderLoad(boolean inline) {
		ObjectMapper mapper = new AgentJson(JsonMapper.builder().build()).mapper();
		AgentMetrics metrics = new AgentMetrics(new SimpleMeterRegistry(), "test-agent");
		AgentActions actions = new AgentActions();
		actions.register("main", "echo", (request) -> Map.of("pad", request.body().path("pad").asString("")), inline);
		try (ZContext context = new ZContext(1)) {
			ZmqSockets sockets = new ZmqSockets(context, Duration.ofMillis(100), 1024 * 1024, (refusal) -> {
			});
			RequestEndpoint endpoint = new RequestEndpoint(
					new RequestEndpoint.Settings("main", "tcp://127.0.0.1:*", 4, 1000, 64L << 20, Duration.ofSeconds(10)),
					sockets, actions, mapper, metrics, (id) -> "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8),
					(failure) -> {
					});
			endpoint.start();
			try {
				byte[] request = DealerLoad.request("echo");
				DealerLoad.drive(endpoint.boundEndpoint(), request, 4, 2, 500);
				long before = endpoint.polls();
				long replies = DealerLoad.drive(endpoint.boundEndpoint(), request, 4, 2, 5_000);
				long polls = endpoint.polls() - before;
				System.out.println("RequestEndpointPollsTests " + "inline=" + inline + ": " + polls + " polls, " + replies + " messages");
				assertThat((double) polls / replies).as("polls per request (%d polls for %d replies)", polls, replies)
					.isLessThanOrEqualTo(MAX_POLLS_PER_REQUEST);
			}
			finally {
				endpoint.shutdownNow();
				endpoint.awaitTermination(Duration.ofSeconds(10));
			}
		}
	}

}
