package dev.agentry.test;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shutdown report an agent writes at step 7 ({@code agent.shutdown.report-file}), as
 * DESIGN.md fixes it, read by Jackson. agent-core writes it from its own record
 * ({@code dev.agentry.core.shutdown.ShutdownReport}): the kit cannot share that type, since
 * agent-core's tests depend on the kit, and a kit that depended on agent-core would make a
 * cycle; agent-core's {@code ShutdownReportTests} reads what agent-core writes through this
 * type, so the two cannot drift apart.
 */
public record ShutdownReport(@JsonProperty("agent") String agent, @JsonProperty("instance") String instance,
		@JsonProperty("outcome") String outcome, @JsonProperty("reason") String reason,
		@JsonProperty("total_seconds") double totalSeconds, @JsonProperty("steps") List<Step> steps,
		@JsonIgnore String json) {

	/** Tolerant, as a reader of another process's file should be: absent counts are zero, unknown fields ignored. */
	private static final JsonMapper mapper = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.build();

	public ShutdownReport {
		agent = Objects.requireNonNullElse(agent, "");
		instance = Objects.requireNonNullElse(instance, "");
		outcome = Objects.requireNonNullElse(outcome, "");
		reason = Objects.requireNonNullElse(reason, "");
		steps = (steps != null) ? List.copyOf(steps) : List.of();
	}

	/** One component's stop: counts are zero where they do not apply. */
	public record Step(@JsonProperty("step") String step, @JsonProperty("component") String component,
			@JsonProperty("seconds") double seconds, @JsonProperty("outcome") String outcome,
			@JsonProperty("drained") int drained, @JsonProperty("forced") int forced,
			@JsonProperty("rejected") int rejected) {

		public Step {
			step = Objects.requireNonNullElse(step, "");
			component = Objects.requireNonNullElse(component, "");
			outcome = Objects.requireNonNullElse(outcome, "");
		}

	}

	/** @throws tools.jackson.core.JacksonException when the text is not a report */
	public static ShutdownReport parse(String json) {
		ShutdownReport read = mapper.readValue(json, ShutdownReport.class);
		return new ShutdownReport(read.agent, read.instance, read.outcome, read.reason, read.totalSeconds, read.steps,
				json);
	}

	/** The step names in the order the agent stopped them. */
	public List<String> stepNames() {
		return this.steps.stream().map(Step::step).distinct().toList();
	}

	public Optional<Step> step(String name) {
		return this.steps.stream().filter((step) -> step.step().equals(name)).findFirst();
	}

	/** Requests the endpoints answered with an error because the drain timeout ran out. */
	public int forced() {
		return this.steps.stream().filter((step) -> step.step().equals("endpoints")).mapToInt(Step::forced).sum();
	}

}
