package dev.agentry.core.shutdown;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShutdownBudgetTests {

	@Test
	void worstCaseIsDelayPlusDrainTimeoutPlusWorkerJoinTimeoutPlusLinger() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(5), Duration.ofSeconds(20),
				Duration.ofSeconds(10), Duration.ofMillis(1500), Duration.ofSeconds(60));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofMillis(36_500));
	}

	@Test
	void worstCaseWithEveryPartZeroIsZero() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
				Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isZero();
		assertThat(budget.exceedsGracePeriod()).isFalse();
	}

	@Test
	void exceedsGracePeriodWhenWorstCaseIsLonger() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(10), Duration.ofSeconds(15),
				Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofSeconds(31));
		assertThat(budget.exceedsGracePeriod()).isTrue();
	}

	@Test
	void doesNotExceedGracePeriodWhenWorstCaseIsShorter() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(5),
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.exceedsGracePeriod()).isFalse();
	}

	@Test
	void doesNotExceedGracePeriodWhenWorstCaseIsExactlyTheGracePeriod() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(4), Duration.ofSeconds(15),
				Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofSeconds(30));
		assertThat(budget.exceedsGracePeriod()).isFalse();
	}

	@Test
	void exceedsGracePeriodByOneMillisecond() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofMillis(1), Duration.ofSeconds(20),
				Duration.ofSeconds(9), Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.exceedsGracePeriod()).isTrue();
	}

	@Test
	void designDefaultsGiveAWorstCaseOf31SecondsWhichExceedsTheDefaultGracePeriodOf30Seconds() {
		// DESIGN.md's defaults: delay 0s, drain-timeout 20s, worker-join-timeout 10s, linger 1s, grace-period 30s.
		ShutdownBudget budget = new ShutdownBudget(Duration.ZERO, Duration.ofSeconds(20), Duration.ofSeconds(10),
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofSeconds(31));
		assertThat(budget.exceedsGracePeriod()).isTrue();
	}

}
