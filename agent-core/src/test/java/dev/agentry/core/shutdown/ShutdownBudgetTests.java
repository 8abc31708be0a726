package dev.agentry.core.shutdown;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The honest budget: every setting plus the fixed margins of the components, which with one
 * linger of L are the probe (0.5 s), the endpoints' flush and margin (L + 1 s), the health
 * socket (L + 1 s) and the context (L + 1 s): {@code 3.5 s + 3 L} over the settings.
 */
class ShutdownBudgetTests {

	@Test
	void worstCaseIsDelayPlusDrainTimeoutPlusWorkerJoinTimeoutPlusEveryLingerAndMargin() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(5), Duration.ofSeconds(20),
				Duration.ofSeconds(10), Duration.ofMillis(1500), Duration.ofSeconds(60));
		// 5 + 20 + 10, then 3 x 1.5 s of linger and 3.5 s of margins.
		assertThat(budget.worstCase()).isEqualTo(Duration.ofMillis(44_000));
	}

	@Test
	void worstCaseWithEverySettingZeroIsTheMargins() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
				Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofMillis(4_500));
		assertThat(budget.exceedsGracePeriod()).isFalse();
	}

	@Test
	void exceedsGracePeriodWhenWorstCaseIsLonger() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(10), Duration.ofSeconds(15),
				Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofMillis(37_500));
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
		ShutdownBudget budget = new ShutdownBudget(Duration.ofMillis(500), Duration.ofSeconds(10),
				Duration.ofSeconds(9), Duration.ofSeconds(2), Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofSeconds(30));
		assertThat(budget.exceedsGracePeriod()).isFalse();
	}

	@Test
	void exceedsGracePeriodByOneMillisecond() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofMillis(501), Duration.ofSeconds(10),
				Duration.ofSeconds(9), Duration.ofSeconds(2), Duration.ofSeconds(30));
		assertThat(budget.exceedsGracePeriod()).isTrue();
	}

	@Test
	void designDefaultsFitTheDefaultGracePeriodOf30Seconds() {
		// DESIGN.md's defaults: delay 0s, drain-timeout 10s, worker-join-timeout 10s, linger 1s, grace-period 30s.
		ShutdownBudget budget = new ShutdownBudget(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(10),
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.worstCase()).isEqualTo(Duration.ofMillis(27_500));
		assertThat(budget.exceedsGracePeriod()).isFalse();
	}

	@Test
	void eachStreamClientZapAndPushAddsItsBound() {
		ShutdownBudget base = new ShutdownBudget(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(10),
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		ShutdownBudget full = new ShutdownBudget(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(10),
				Duration.ofSeconds(1), Duration.ofSeconds(30), 2, 3, true, true);
		// 2 streams x 5 s, 3 clients x (1 s linger + 1 s), the ZAP handler's 0.5 s, the push's 20 s.
		assertThat(full.worstCase().minus(base.worstCase())).isEqualTo(Duration.ofMillis(10_000 + 6_000 + 500 + 20_000));
		assertThat(base.withParts(2, 3).worstCase()).isEqualTo(base.worstCase().plusSeconds(16));
	}

	@Test
	void theTermsAddUpToTheWorstCase() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
				Duration.ofMillis(400), Duration.ofSeconds(30), 1, 2, true, false);
		assertThat(budget.terms().stream().map(ShutdownBudget.Term::bound).reduce(Duration.ZERO, Duration::plus))
			.isEqualTo(budget.worstCase());
		assertThat(budget.terms()).extracting(ShutdownBudget.Term::name)
			.startsWith("delay", "drain-timeout", "flush", "endpoint-margin", "liveness-probe");
	}

	@Test
	void theEndpointsPhaseTimeoutIsStepOnesBoundAndLaterStepsWaitOnlyForWhatIsLeftOfIt() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(2), Duration.ofSeconds(10),
				Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThat(budget.endpointsBound()).isEqualTo(Duration.ofSeconds(12));
		// 2 s delay + 0.5 s probe + 12 s: 4.5 s left at 10 s.
		assertThat(budget.leftForEndpoints(Duration.ofSeconds(10))).isEqualTo(Duration.ofMillis(4_500));
		assertThat(budget.leftForEndpoints(Duration.ofSeconds(20))).isZero();
	}

}
