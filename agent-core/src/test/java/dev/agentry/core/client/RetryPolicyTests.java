package dev.agentry.core.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.agentry.core.wire.AgentError;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTests {

	private static final Duration GRACE = Duration.ofSeconds(1);

	private final RetryPolicy policy = new RetryPolicy();

	@Test
	void eachCallTriesEveryEndpointOnceStartingOneFurtherAlong() {
		List<String> known = List.of("a", "b", "c");
		assertThat(this.policy.order(known)).containsExactly("a", "b", "c");
		assertThat(this.policy.order(known)).containsExactly("b", "c", "a");
		assertThat(this.policy.order(known)).containsExactly("c", "a", "b");
		assertThat(this.policy.order(known)).containsExactly("a", "b", "c");
	}

	@Test
	void noKnownEndpointMeansNothingToTry() {
		assertThat(this.policy.order(List.of())).isEmpty();
		assertThat(this.policy.order(null)).isEmpty();
	}

	@Test
	void exactlyTheRetryableErrorsMoveACallOnWhileAnEndpointIsLeft() {
		for (AgentError error : AgentError.values()) {
			assertThat(this.policy.retries(call("a", "b"), error)).as(error.code()).isEqualTo(error.retryable());
		}
		assertThat(this.policy.retries(call("a", "b"), AgentError.UNAVAILABLE)).isTrue();
		assertThat(this.policy.retries(call("a", "b"), AgentError.TIMEOUT)).isTrue();
	}

	@Test
	void noErrorIsNeverRetried() {
		assertThat(this.policy.retries(call("a", "b"), null)).isFalse();
	}

	@Test
	void theLastEndpointsErrorIsTheCallsReply() {
		Call call = call("a", "b");
		call.moveOn();
		assertThat(call.target()).isEqualTo("b");
		for (AgentError error : AgentError.values()) {
			assertThat(this.policy.retries(call, error)).as(error.code()).isFalse();
		}
	}

	@Test
	void anAttemptEndsAfterTheCallsTimeout() {
		Call call = call("a");
		long now = 1_000_000_000L;
		call.startAttempt(this.policy.deadline(call, now));
		assertThat(call.deadline()).isEqualTo(now + Duration.ofSeconds(2).toNanos());
		assertThat(this.policy.expired(call, call.deadline() - 1)).isFalse();
		assertThat(this.policy.expired(call, call.deadline())).isTrue();
	}

	@Test
	void aConnectionNotUpAfterTheGraceIsGivenUpOnlyWithAnotherEndpointToTry() {
		long now = 1_000_000_000L;
		Call failover = started(call("a", "b"), now);
		assertThat(this.policy.stopsWaiting(failover, GRACE.toNanos() - 1, now)).isFalse();
		assertThat(this.policy.stopsWaiting(failover, GRACE.toNanos() + 1, now)).isTrue();
		Call last = started(call("a"), now);
		assertThat(this.policy.stopsWaiting(last, GRACE.toNanos() * 10, now)).as("waits until its deadline").isFalse();
		assertThat(this.policy.stopsWaiting(last, 0, last.deadline())).isTrue();
	}

	@Test
	void aCallWhoseConnectionDroppedWaitsForItOnlyOnItsLastEndpointWithinItsDeadline() {
		long now = 1_000_000_000L;
		assertThat(this.policy.waitsForReconnect(started(call("a", "b"), now), now)).isFalse();
		Call last = started(call("a"), now);
		assertThat(this.policy.waitsForReconnect(last, now)).isTrue();
		assertThat(this.policy.waitsForReconnect(last, last.deadline())).isFalse();
	}

	@Test
	void aCallersWaitCoversEveryAttemptAndItsConnectGrace() {
		assertThat(this.policy.callBound(Duration.ofSeconds(2), 3)).isEqualTo(Duration.ofSeconds(3 * (2 + 1) + 1));
		assertThat(this.policy.callBound(Duration.ofSeconds(2), 0)).isEqualTo(Duration.ofSeconds(2 + 1 + 1));
	}

	@Test
	void anUnconnectableEndpointIsTriedAgainAfterWaitsThatDoubleUpToFiveSeconds() {
		BackOffWait wait = BackOffWait.first(this.policy.reconnectBackOff());
		List<Long> waits = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			waits.add(wait.duration().toMillis());
			wait = wait.next();
		}
		assertThat(waits).containsExactly(250L, 500L, 1000L, 2000L, 4000L, 5000L, 5000L, 5000L);
	}

	@Test
	void aBackOffThatStopsKeepsItsLastWait() {
		BackOffWait wait = BackOffWait.first(() -> new BackOffExecution() {

			private int calls;

			@Override
			public long nextBackOff() {
				return (this.calls++ == 0) ? 300 : STOP;
			}

		});
		assertThat(wait.next().duration()).isEqualTo(Duration.ofMillis(300));
	}

	private static Call started(Call call, long now) {
		call.startAttempt(now + call.attemptTimeout().toNanos());
		return call;
	}

	private static Call call(String... targets) {
		return new Call(JsonMapper.builder().build().createObjectNode().put("action", "echo"), new byte[0],
				List.of(targets), Duration.ofSeconds(2), new CompletableFuture<>());
	}

}
