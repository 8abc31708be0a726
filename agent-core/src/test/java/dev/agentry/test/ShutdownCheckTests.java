package dev.agentry.test;

import java.nio.file.Path;
import java.time.Duration;

import dev.agentry.core.testapp.HandWrittenAgent;
import dev.agentry.core.testapp.TestAgentApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.agentry.test.AgentAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The test kit against real agents in child JVMs. The kit lives in agent-test, which cannot
 * depend on agent-core; its tests live here, next to the test agent they drive. Each check
 * must pass for an agent-core agent and fail, with the reason, for agents that do not stop
 * cleanly.
 */
class ShutdownCheckTests {

	private static final String ECHO = "{\"action\":\"echo\",\"text\":\"hello\"}";

	@TempDir
	Path dir;

	@Test
	void idleAgentStopsCleanlyWithEveryStepReported() {
		ShutdownResult result = ShutdownCheck.of(testAgent()).run();

		assertThat(result).isClean().exitedCleanly().releasedPorts().reportedStep("endpoints").reportedStep("context");
		assertThat(result.exitCode()).isEqualTo(143);
		assertThat(result.report().stepNames()).containsSubsequence("delay", "endpoints", "streams", "workers",
				"health", "context");
		assertThat(result.report().reason()).isEqualTo("signal");
		assertThat(result.requests().sent()).isZero();
	}

	@Test
	void agentUnderLoadAnswersEveryRequestInFlight() {
		AgentLauncher launcher = testAgent();
		ShutdownResult result = ShutdownCheck.of(launcher).load(new Load(ECHO, 2, 4)).run();

		assertThat(result).isClean().answeredEveryRequest();
		assertThat(result.scenario()).isEqualTo("load");
		assertThat(result.requests().inflightAtSignal()).isPositive();
		assertThat(result.requests().inflightAnswered()).isEqualTo(result.requests().inflightAtSignal());
		assertThat(result.replies()).containsKey("ok").doesNotContainKey("silent");
		assertThat(launcher.property("agent.shutdown.delay")).contains("1s");
	}

	@Test
	void requestsThatOutliveTheDrainAreAnsweredTimeoutAndCountedForced() {
		// Delay 1 s, then a 3 s drain: the late client connects 0.5 s into it, with room to spare
		// for a new connection whose handshake JeroMQ stalls (it retries after 2 s).
		AgentLauncher launcher = testAgent().property("agent.shutdown.drain-timeout", "3s");
		ShutdownResult result = ShutdownCheck.of(launcher)
			.load(new Load("{\"action\":\"slow\",\"millis\":8000}", 1, 2))
			.expectForced()
			.lateRequestAfter(Duration.ofMillis(1500))
			.run();

		assertThat(result).isClean();
		assertThat(result.replies()).containsEntry("timeout", 2L).containsEntry("unavailable", 1L);
		assertThat(result.report().forced()).isEqualTo(2);
		assertThat(result.report().outcome()).isEqualTo("timeout");
		assertThat(result.requests().late()).isEqualTo(1);
	}

	@Test
	void signalDuringStartUpEndsTheAgentCleanly() {
		ShutdownResult result = ShutdownCheck.of(testAgent()).duringStartup().run();

		assertThat(result).isClean();
		assertThat(result.report().reason()).isIn("signal", "startup-failure");
	}

	@Test
	void ctrlCTwiceUnderLoadDoesNoHarm() {
		ShutdownResult result = ShutdownCheck.of(testAgent())
			.load(ECHO)
			.signal(Signal.INT)
			.secondSignalAfter(Duration.ofMillis(300))
			.run();

		assertThat(result).isClean();
		assertThat(result.exitCode()).isEqualTo(130);
	}

	@Test
	void handWrittenAgentThatDropsItsWorkFailsWithTheReasons() {
		AgentLauncher launcher = AgentLauncher.mainClass(HandWrittenAgent.class).directory(this.dir);
		ShutdownResult result = ShutdownCheck.of(launcher).load(new Load("{\"action\":\"work\"}", 1, 3)).run();

		assertThat(result.passed()).isFalse();
		assertThat(result.requests().silent()).isEqualTo(3);
		assertThat(result.problems()).anyMatch((problem) -> problem.contains("in flight at the signal never answered"))
			.anyMatch((problem) -> problem.startsWith("no shutdown report"));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(result).isClean())
			.withMessageContaining("never answered");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(result).answeredEveryRequest())
			.withMessageContaining("3 of 3 got no reply");
	}

	@Test
	void agentThatOutstaysItsLimitIsKilledAndFails() {
		AgentLauncher launcher = testAgent().property("test-agent.stubborn-worker", "true")
			.property("agent.shutdown.worker-join-timeout", "5s");
		ShutdownResult result = ShutdownCheck.of(launcher).exitLimit(Duration.ofSeconds(2)).run();

		assertThat(result.exited()).isFalse();
		assertThat(result.problems()).anyMatch((problem) -> problem.contains("ms after the signal (killed)"));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(result).exitedCleanly());
	}

	private AgentLauncher testAgent() {
		return AgentLauncher.mainClass(TestAgentApplication.class)
			.name("test-agent")
			.directory(this.dir)
			.property("spring.application.name", "test-agent")
			.property("agent.shutdown.drain-timeout", "3s")
			.property("agent.shutdown.worker-join-timeout", "1s");
	}

}
