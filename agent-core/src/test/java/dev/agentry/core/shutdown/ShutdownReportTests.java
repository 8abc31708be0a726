package dev.agentry.core.shutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ShutdownReportTests {

	private static final String EXPECTED = "{\"agent\":\"worker\",\"instance\":\"w-1\","
			+ "\"started_at\":\"2026-01-02T03:04:05.123Z\",\"shutdown_started_at\":\"2026-01-02T03:05:00Z\","
			+ "\"finished_at\":\"2026-01-02T03:05:01.500Z\",\"total_seconds\":1.235,\"outcome\":\"timeout\","
			+ "\"reason\":\"startup-failure\",\"steps\":["
			+ "{\"step\":\"endpoints\",\"component\":\"main\",\"seconds\":0.5,\"outcome\":\"timeout\","
			+ "\"drained\":3,\"forced\":1,\"rejected\":0},"
			+ "{\"step\":\"workers\",\"component\":\"ticker\",\"seconds\":0.001,\"outcome\":\"graceful\"}]}";

	private final ShutdownReport report = new ShutdownReport("worker", "w-1",
			Instant.parse("2026-01-02T03:04:05.123Z"), Instant.parse("2026-01-02T03:05:00Z"),
			Instant.parse("2026-01-02T03:05:01.500Z"), 1.23456, StepOutcome.TIMEOUT, ShutdownReason.STARTUP_FAILURE,
			List.of(new StepRecord("endpoints", "main", Duration.ofMillis(500), StepOutcome.TIMEOUT, 3, 1, 0),
					new StepRecord("workers", "ticker", Duration.ofNanos(1_234_567), StepOutcome.GRACEFUL, null, null,
							null)));

	@Test
	void writesTheFieldNamesOfTheDesignInOrderWithSecondsToTheMillisecond() {
		assertThat(JsonMapper.builder().build().writeValueAsString(this.report)).isEqualTo(EXPECTED);
	}

	@Test
	void writesInstantsAsTheirIsoText() {
		assertThat(JsonMapper.builder().build().writeValueAsString(this.report))
			.contains("\"finished_at\":\"" + this.report.finishedAt() + "\"");
	}

	@Test
	void applicationJacksonSettingsDoNotChangeTheFormat() {
		JsonMapper customized = JsonMapper.builder()
			.propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
			.enable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_DEFAULT))
			.disable(SerializationFeature.INDENT_OUTPUT)
			.build();

		assertThat(customized.writeValueAsString(this.report)).isEqualTo(EXPECTED);
	}

	@Test
	void theTestKitReadsWhatAgentCoreWrites() {
		String json = JsonMapper.builder().build().writeValueAsString(this.report);

		dev.agentry.test.ShutdownReport read = dev.agentry.test.ShutdownReport.parse(json);

		assertThat(read.agent()).isEqualTo("worker");
		assertThat(read.instance()).isEqualTo("w-1");
		assertThat(read.outcome()).isEqualTo("timeout");
		assertThat(read.reason()).isEqualTo("startup-failure");
		assertThat(read.totalSeconds()).isEqualTo(1.235);
		assertThat(read.json()).isEqualTo(json);
		assertThat(read.stepNames()).containsExactly("endpoints", "workers");
		assertThat(read.forced()).isEqualTo(1);
		assertThat(read.steps()).containsExactly(
				new dev.agentry.test.ShutdownReport.Step("endpoints", "main", 0.5, "timeout", 3, 1, 0),
				new dev.agentry.test.ShutdownReport.Step("workers", "ticker", 0.001, "graceful", 0, 0, 0));
	}

	@Test
	void theTestKitToleratesFieldsItDoesNotKnowAndFieldsThatAreMissing() {
		dev.agentry.test.ShutdownReport read = dev.agentry.test.ShutdownReport
			.parse("{\"agent\":\"a\",\"future\":{\"x\":1},\"steps\":[{\"step\":\"health\",\"extra\":true}]}");

		assertThat(read.agent()).isEqualTo("a");
		assertThat(read.outcome()).isEmpty();
		assertThat(read.totalSeconds()).isZero();
		assertThat(read.steps()).containsExactly(new dev.agentry.test.ShutdownReport.Step("health", "", 0, "", 0, 0, 0));
	}

}
