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

}
