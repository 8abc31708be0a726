package dev.agentry.core.shutdown;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import tools.jackson.databind.annotation.JsonSerialize;

/**
 * One step of a shutdown as the report shows it; {@code drained}, {@code forced} and
 * {@code rejected} are {@code null}, and left out of the JSON, where the step has no requests.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({ "step", "component", "seconds", "outcome", "drained", "forced", "rejected" })
public record StepRecord(@JsonProperty("step") String step, @JsonProperty("component") String component,
		@JsonProperty("seconds") @JsonSerialize(converter = ShutdownReport.Seconds.class) Duration duration,
		@JsonProperty("outcome") @JsonSerialize(converter = ShutdownReport.OutcomeName.class) StepOutcome outcome,
		@JsonProperty("drained") @JsonInclude(JsonInclude.Include.NON_NULL) Integer drained,
		@JsonProperty("forced") @JsonInclude(JsonInclude.Include.NON_NULL) Integer forced,
		@JsonProperty("rejected") @JsonInclude(JsonInclude.Include.NON_NULL) Integer rejected) {

	public double seconds() {
		return this.duration.toNanos() / 1e9;
	}

}
