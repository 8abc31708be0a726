package dev.agentry.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shutdown report an agent writes at step 7 ({@code agent.shutdown.report-file}), as
 * DESIGN.md fixes it.
 */
public record ShutdownReport(String agent, String instance, String outcome, String reason, double totalSeconds,
		List<Step> steps, String json) {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	/** One component's stop: counts are zero where they do not apply. */
	public record Step(String step, String component, double seconds, String outcome, int drained, int forced,
			int rejected) {
	}

	/** @throws tools.jackson.core.JacksonException when the text is not a report */
	public static ShutdownReport parse(String json) {
		JsonNode root = mapper.readTree(json);
		List<Step> steps = new ArrayList<>();
		for (JsonNode step : root.path("steps")) {
			steps.add(new Step(step.path("step").asString(""), step.path("component").asString(""),
					step.path("seconds").asDouble(), step.path("outcome").asString(""), step.path("drained").asInt(),
					step.path("forced").asInt(), step.path("rejected").asInt()));
		}
		return new ShutdownReport(root.path("agent").asString(""), root.path("instance").asString(""),
				root.path("outcome").asString(""), root.path("reason").asString(""),
				root.path("total_seconds").asDouble(), List.copyOf(steps), json);
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
