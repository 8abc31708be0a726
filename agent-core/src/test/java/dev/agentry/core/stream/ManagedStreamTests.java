package dev.agentry.core.stream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.shutdown.StepOutcome;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.Lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

class ManagedStreamTests {

	@Test
	void startsWithTheAgentAndAtStepTwoStopsThenDestroysTheComponent() {
		Component component = new Component(Behaviour.NORMAL);
		ManagedStream stream = ManagedStream.of("s", component);
		assertThat(stream.getPhase()).isEqualTo(AgentPhases.STREAMS);
		stream.start();
		assertThat(stream.isRunning()).isTrue();
		stream.stop();
		stream.stop();
		assertThat(component.calls).containsExactly("start", "stop", "destroy");
		assertThat(stream.outcome()).isEqualTo(StepOutcome.GRACEFUL);
		assertThat(stream.isRunning()).isFalse();
	}

	@Test
	void aComponentThatFailsToCloseIsReportedAsAnError() {
		ManagedStream stream = ManagedStream.of("s", new Component(Behaviour.THROWS));
		stream.start();
		stream.stop();
		assertThat(stream.outcome()).isEqualTo(StepOutcome.ERROR);
	}

	@Test
	void aComponentWhoseCloseHangsIsLeftBehindAfterTheBound() {
		Component component = new Component(Behaviour.HANGS);
		ManagedStream stream = ManagedStream.of("s", component);
		stream.start();
		long start = System.nanoTime();
		stream.stop();
		// Bounded: the close waits 5 s at most; generous margin for a loaded machine.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
		assertThat(stream.outcome()).isEqualTo(StepOutcome.TIMEOUT);
		component.release.countDown();
	}

	enum Behaviour {

		NORMAL, THROWS, HANGS

	}

	static final class Component implements Lifecycle, DisposableBean {

		final List<String> calls = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		private final Behaviour behaviour;

		private volatile boolean running;

		Component(Behaviour behaviour) {
			this.behaviour = behaviour;
		}

		@Override
		public void start() {
			this.calls.add("start");
			this.running = true;
		}

		@Override
		public void stop() {
			this.calls.add("stop");
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public void destroy() throws Exception {
			this.calls.add("destroy");
			if (this.behaviour == Behaviour.THROWS) {
				throw new IllegalStateException("socket already closed");
			}
			if (this.behaviour == Behaviour.HANGS) {
				this.release.await();
			}
		}

	}

}
