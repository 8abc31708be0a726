package dev.agentry.core.shutdown;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentry.core.testapp.TestAgentApplication;
import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentPorts;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.ZmqTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logged budget is neither a lie nor padding: an agent in a child JVM whose every step
 * runs to its bound (a slow handler forced at the end of the drain, a peer that never reads
 * its replies and so holds linger, a stream that will not close, a worker that ignores its
 * stop, a client of a silent peer) exits after SIGTERM within the budget it logged, plus the
 * JVM's exit, and after at least half of it.
 */
class HonestBudgetTests {

	/** JVM exit, and a loaded machine's slack. */
	private static final Duration EXIT_SLACK = Duration.ofSeconds(5);

	@TempDir
	Path dir;

	/**
	 * The bounds this agent's steps cannot end before, each taken from the budget: the delay, the
	 * drain of a request that never ends, the stream that never closes and the worker that
	 * ignores its stop (1 + 2 + 5 + 1 s). The rest of the budget is linger and margins that a
	 * close may take but need not: an exit under this would mean a step ended before its bound.
	 */
	private static final Duration FORCED_TO_THEIR_BOUNDS = Duration.ofSeconds(9);

	@Test
	void anAgentWhoseEveryStepRunsToItsBoundExitsWithinTheBudgetItLoggedAndNotFarUnderIt() throws Exception {
		AgentPorts ports = AgentPorts.free();
		int silentPort = FreePorts.next();
		try (ZContext peers = new ZContext(1)) {
			ZMQ.Socket silent = peers.createSocket(SocketType.ROUTER);
			silent.setLinger(0);
			silent.bind("tcp://127.0.0.1:" + silentPort);
			Map<String, String> properties = new LinkedHashMap<>();
			properties.put("spring.application.name", "test-agent");
			properties.put("agent.shutdown.delay", "1s");
			properties.put("agent.shutdown.drain-timeout", "2s");
			properties.put("agent.shutdown.worker-join-timeout", "1s");
			properties.put("agent.zmq.linger", "1s");
			properties.put("agent.shutdown.report-file", this.dir.resolve("report.json").toString());
			properties.put("test-agent.stubborn-worker", "true");
			properties.put("test-agent.stuck-stream", "true");
			properties.put("test-agent.silent-client", "tcp://127.0.0.1:" + silentPort);
			try (AgentProcess agent = AgentLauncher.mainClass(TestAgentApplication.class)
				.ports(ports)
				.properties(properties)
				.directory(this.dir)
				.jvmOptions("-Xshare:auto", "-XX:TieredStopAtLevel=1")
				.start()
				.awaitReady(Duration.ofSeconds(60));
					ZmqTestClient slow = ZmqTestClient.dealer("tcp://127.0.0.1:" + ports.endpoint(), 60_000);
					ZmqTestClient deaf = ZmqTestClient.dealer("tcp://127.0.0.1:" + ports.endpoint())) {
				Duration budget = agent.budget().orElseThrow();
				// 1 s delay + 2 s drain + 1 s flush + 1 s margin + 0.5 s probe + 1 stream x 5 s + 1 s join
				// + 2 s health + 1 client x 2 s + 2 s context + 1 s web server.
				assertThat(budget).isEqualTo(Duration.ofMillis(18_500));
				slow.send("{\"action\":\"slow\",\"millis\":60000,\"id\":\"forced\"}");
				deaf.floodWithoutReading(20_000);
				long start = System.nanoTime();
				agent.sigterm();
				assertThat(agent.awaitExit(budget.plus(EXIT_SLACK))).isEqualTo(143);
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				assertThat(took).as("the exit after SIGTERM against the logged budget of %s", budget)
					.isLessThanOrEqualTo(budget.plus(EXIT_SLACK))
					.isGreaterThanOrEqualTo(FORCED_TO_THEIR_BOUNDS);
				assertThat(agent.log()).contains("Stream 'stuck' did not close within 5000 ms")
					.contains("worker 'stubborn' did not end within 1000 ms");
				assertThat(slow.receive().get("id").asString()).isEqualTo("forced");
			}
		}
	}

}
