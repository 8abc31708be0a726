package dev.agentry.core.shutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.util.StdConverter;

/**
 * The shutdown report, bound to the JSON form of DESIGN.md by its annotations: every name is
 * explicit and inclusion is pinned, so that the application's {@code spring.jackson.*}
 * settings (a naming strategy, a default inclusion, dates as timestamps) cannot change the
 * format that dashboards and the test kit read.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "agent", "instance", "started_at", "shutdown_started_at", "finished_at", "total_seconds",
		"outcome", "reason", "steps" })
public record ShutdownReport(@JsonProperty("agent") String agent, @JsonProperty("instance") String instance,
		@JsonProperty("started_at") @JsonFormat(shape = JsonFormat.Shape.STRING) Instant startedAt,
		@JsonProperty("shutdown_started_at") @JsonFormat(shape = JsonFormat.Shape.STRING) Instant shutdownStartedAt,
		@JsonProperty("finished_at") @JsonFormat(shape = JsonFormat.Shape.STRING) Instant finishedAt,
		@JsonProperty("total_seconds") @JsonSerialize(converter = Rounded.class) double totalSeconds,
		@JsonProperty("outcome") @JsonSerialize(converter = OutcomeName.class) StepOutcome outcome,
		@JsonProperty("reason") @JsonSerialize(converter = ReasonName.class) ShutdownReason reason,
		@JsonProperty("steps") List<StepRecord> steps) {

	/** Seconds to the millisecond: the report is for people and dashboards, not for nanoseconds. */
	static double round(double seconds) {
		return Math.round(seconds * 1000.0) / 1000.0;
	}

	static final class Rounded extends StdConverter<Double, Double> {

		@Override
		public Double convert(Double seconds) {
			return round(seconds);
		}

	}

	static final class Seconds extends StdConverter<Duration, Double> {

		@Override
		public Double convert(Duration duration) {
			return round(duration.toNanos() / 1e9);
		}

	}

	static final class OutcomeName extends StdConverter<StepOutcome, String> {

		@Override
		public String convert(StepOutcome outcome) {
			return outcome.wireName();
		}

	}

	static final class ReasonName extends StdConverter<ShutdownReason, String> {

		@Override
		public String convert(ShutdownReason reason) {
			return reason.wireName();
		}

	}

}
