package dev.agentry.core.health;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.agentry.core.AgentStatus;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.zmq.DealerLoad;
import dev.agentry.core.zmq.ZmqSockets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The health socket's thread sleeps until there is work: a few polls per check at most. Counted, never timed. */
class HealthSocketPollsTests {

	static final double MAX_POLLS_PER_CHECK = 5;

	@Test
	void socketThreadPollsAFewTimesPerCheckUnderLoad() {
		AgentMetrics metrics = new AgentMetrics(new SimpleMeterRegistry(), "test-agent");
		byte[] answer = "{\"status\":\"ok\",\"state\":\"ready\"}".getBytes(StandardCharsets.UTF_8);
		try (ZContext context = new ZContext(1)) {
			ZmqSockets sockets = new ZmqSockets(context, Duration.ofMillis(100), 1024 * 1024, (refusal) -> {
			});
			HealthSocket health = new HealthSocket("tcp://127.0.0.1:*", sockets, new AgentStatus("test-agent"),
					() -> answer, new ShutdownRecorder(metrics), (failure) -> {
					});
			health.start();
			try {
				byte[] request = DealerLoad.request("health_check");
				DealerLoad.drive(health.boundEndpoint(), request, 4, 2, 500);
				long before = health.polls();
				long replies = DealerLoad.drive(health.boundEndpoint(), request, 4, 2, 5_000);
				long polls = health.polls() - before;
				System.out.println("HealthSocketPollsTests " + "" + polls + " polls, " + replies + " messages");
				assertThat((double) polls / replies).as("polls per check (%d polls for %d replies)", polls, replies)
					.isLessThanOrEqualTo(MAX_POLLS_PER_CHECK);
			}
			finally {
				health.stop();
			}
		}
	}

}
