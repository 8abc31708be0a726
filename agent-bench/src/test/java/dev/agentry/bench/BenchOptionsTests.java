package dev.agentry.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The benchmark's command line. */
class BenchOptionsTests {

	@Test
	void defaultsMeasureEverySuiteFiveTimes() {
		BenchOptions options = BenchOptions.parse(List.of());

		assertThat(options.rounds()).isEqualTo(5);
		assertThat(options.suites()).containsExactly("endpoint", "coordinator", "client", "shutdown", "startup");
		assertThat(options.out()).isEqualTo(Path.of("bench-results"));
	}

	@Test
	void quickIsOneShortRound() {
		BenchOptions options = BenchOptions.parse(List.of("--quick"));

		assertThat(options.rounds()).isEqualTo(1);
		assertThat(options.measure()).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void picksSuitesRoundsAndAgentOptions() {
		BenchOptions options = BenchOptions.parse(List.of("--suites=endpoint,startup", "--rounds=3",
				"--agent-jvm-options=-Xmx256m -XX:+UseSerialGC", "--jdk25=/nowhere"));

		assertThat(options.suites()).containsExactly("endpoint", "startup");
		assertThat(options.rounds()).isEqualTo(3);
		assertThat(options.agentJvmOptions()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
		assertThat(options.jdk25()).isEmpty();
	}

	@Test
	void readsDurationsAsTheAgentsDoAndTellsItsOptions() {
		assertThat(BenchOptions.parse(List.of("--measure=500ms", "--latency-requests=7", "--out=x")))
			.satisfies((options) -> {
				assertThat(options.measure()).isEqualTo(Duration.ofMillis(500));
				assertThat(options.latencyRequests()).isEqualTo(7);
				assertThat(options.out()).isEqualTo(Path.of("x"));
			});
		assertThat(BenchOptions.usage()).contains("--rounds", "--measure", "--latency-requests", "--suites", "--out",
				"--jdk25", "--agent-jvm-options", "--quick");
	}

	@Test
	void refusesWhatItDoesNotKnow() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse(List.of("--suites=disk")))
			.withMessageContaining("unknown suite 'disk'");
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse(List.of("--rounds=0")));
		assertThatIllegalArgumentException().isThrownBy(() -> BenchOptions.parse(List.of("--fast")));
	}

}
