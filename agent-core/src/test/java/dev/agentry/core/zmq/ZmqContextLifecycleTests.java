package dev.agentry.core.zmq;

import java.time.Duration;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

class ZmqContextLifecycleTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ShutdownRecorder recorder = new ShutdownRecorder(new AgentMetrics(this.registry, "test-agent"));

	private final ZmqContextLifecycle lifecycle = new ZmqContextLifecycle(Duration.ofMillis(100), this.recorder);

	@AfterEach
	void closeContext() {
		this.lifecycle.stop();
	}

	@Test
	void startMakesItRunningWithAnOpenContext() {
		this.lifecycle.start();
		assertThat(this.lifecycle.isRunning()).isTrue();
		assertThat(this.lifecycle.context().isClosed()).isFalse();
	}

	@Test
	void stopTerminatesTheContext() {
		this.lifecycle.start();
		this.lifecycle.stop();
		assertThat(this.lifecycle.context().isClosed()).isTrue();
		assertThat(this.lifecycle.isRunning()).isFalse();
	}

	@Test
	void stopRecordsAGracefulContextStep() {
		this.lifecycle.start();
		this.lifecycle.stop();
		assertThat(this.recorder.steps()).singleElement().satisfies((step) -> {
			assertThat(step.step()).isEqualTo("context");
			assertThat(step.component()).isEqualTo("zmq-context");
			assertThat(step.outcome()).isEqualTo(StepOutcome.GRACEFUL);
		});
		assertThat(this.registry.get("agent.shutdown.phase")
			.tags("agent", "test-agent", "step", "context", "outcome", "graceful")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void stopIsIdempotent() {
		this.lifecycle.start();
		this.lifecycle.stop();
		this.lifecycle.stop();
		this.lifecycle.stop();
		assertThat(this.lifecycle.context().isClosed()).isTrue();
		assertThat(this.recorder.steps()).extracting(StepRecord::step).containsExactly("context");
	}

	@Test
	void stopClosesSocketsThatWereLeftOpen() {
		this.lifecycle.start();
		ZMQ.Socket socket = this.lifecycle.context().createSocket(SocketType.ROUTER);
		socket.bind("tcp://127.0.0.1:*");
		assertThat(this.lifecycle.context().getSockets()).hasSize(1);
		this.lifecycle.stop();
		assertThat(this.lifecycle.context().isClosed()).isTrue();
		assertThat(this.lifecycle.context().getSockets()).isEmpty();
		assertThat(this.recorder.steps()).singleElement()
			.extracting(StepRecord::outcome)
			.isEqualTo(StepOutcome.GRACEFUL);
	}

	@Test
	void isInTheContextPhaseAfterEveryOtherAgentPart() {
		assertThat(this.lifecycle.getPhase()).isEqualTo(AgentPhases.CONTEXT)
			.isLessThan(AgentPhases.CLIENTS)
			.isLessThan(AgentPhases.HEALTH)
			.isLessThan(AgentPhases.WORKERS);
	}

	@Test
	void worstCaseAllowsLongerThanTheLingerForTheWatchdog() {
		assertThat(this.lifecycle.worstCase()).isGreaterThan(Duration.ofMillis(100));
	}

}
