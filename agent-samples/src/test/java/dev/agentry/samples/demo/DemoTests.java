package dev.agentry.samples.demo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's own options. */
class DemoTests {

	@Test
	void parsesDurations() {
		assertThat(Demo.parseDuration("20s")).isEqualTo(Duration.ofSeconds(20));
		assertThat(Demo.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
		assertThat(Demo.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
		assertThat(Demo.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void refusesUnknownOptions() {
		assertThat(Demo.run(new String[] { "--nope" })).isEqualTo(2);
		assertThat(Demo.run(new String[] { "--clients=0" })).isEqualTo(2);
	}

	@Test
	void parsesItsOptionsWithDefaults() {
		DemoOptions defaults = DemoOptions.parse(new String[0]);
		assertThat(defaults.clients).isEqualTo(4);
		assertThat(defaults.duration).isEqualTo(Duration.ofSeconds(20));
		assertThat(defaults.plain).isFalse();

		DemoOptions options = DemoOptions.parse(new String[] { "--clients=2", "--duration=1500ms", "--plain" });
		assertThat(options.clients).isEqualTo(2);
		assertThat(options.duration).isEqualTo(Duration.ofMillis(1500));
		assertThat(options.plain).isTrue();
	}

	@Test
	void helpAndBadValues() {
		assertThat(Demo.run(new String[] { "--help" })).isZero();
		assertThat(Demo.run(new String[] { "demo", "--help" })).isZero();
		assertThat(Demo.run(new String[] { "--clients=many" })).isEqualTo(2);
		assertThat(Demo.run(new String[] { "--duration=soon" })).isEqualTo(2);
		assertThat(DemoOptions.usage()).contains("--clients", "--duration", "--plain");
	}

}
