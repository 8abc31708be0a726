package dev.agentry.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AgentMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AgentMetrics metrics = new AgentMetrics(this.registry, "worker");

	@Test
	void requestsWithTheSameTagsAreOneCounterTaggedWithTheAgent() {
		this.metrics.requests("main", "infer", "ok").increment();
		this.metrics.requests("main", "infer", "ok").increment();
		this.metrics.requests("main", "infer", "timeout").increment();

		Counter ok = this.registry.get("agent.requests")
			.tags("agent", "worker", "endpoint", "main", "action", "infer", "outcome", "ok")
			.counter();
		assertThat(ok.count()).isEqualTo(2.0);
		assertThat(this.metrics.requests("main", "infer", "ok")).isSameAs(ok);
		assertThat(this.registry.get("agent.requests").counters()).hasSize(2);
	}

	@Test
	void requestTimerIsTaggedWithEndpointActionAndAgent() {
		Timer timer = this.metrics.requestTimer("main", "infer");

		assertThat(this.registry.get("agent.request").tags("agent", "worker", "endpoint", "main", "action", "infer").timer())
			.isSameAs(timer);
	}

	@Test
	void peerAndAuthCountersCarryTheirTags() {
		this.metrics.peerDisconnects("main", "too_large").increment();
		this.metrics.authDenied("health", "no_curve").increment();
		this.metrics.rejectedReplies("workers", "wrong_peer").increment();

		assertThat(this.registry.get("agent.peer.disconnects").tags("agent", "worker", "socket", "main", "reason", "too_large").counter().count())
			.isEqualTo(1.0);
		assertThat(this.registry.get("agent.auth.denied").tags("agent", "worker", "socket", "health", "reason", "no_curve").counter().count())
			.isEqualTo(1.0);
		assertThat(this.registry.get("agent.client.replies.rejected").tags("agent", "worker", "client", "workers", "reason", "wrong_peer").counter().count())
			.isEqualTo(1.0);
	}

}
