package dev.agentry.core.shutdown;

import java.time.Instant;
import java.util.List;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The shutdown report, in the JSON form of DESIGN.md. */
public record ShutdownReport(String agent, String instance, Instant startedAt, Instant shutdownStartedAt,
		Instant finishedAt, double totalSeconds, StepOutcome outcome, ShutdownReason reason, List<StepRecord> steps) {

	public ObjectNode toJson(ObjectMapper mapper) {
		ObjectNode report = mapper.createObjectNode();
		report.put("agent", this.agent);
		report.put("instance", this.instance);
		report.put("started_at", this.startedAt.toString());
		report.put("shutdown_started_at", this.shutdownStartedAt.toString());
		report.put("finished_at", this.finishedAt.toString());
		report.put("total_seconds", round(this.totalSeconds));
		report.put("outcome", this.outcome.wireName());
		report.put("reason", this.reason.wireName());
		ArrayNode steps = report.putArray("steps");
		for (StepRecord step : this.steps) {
			ObjectNode node = steps.addObject();
			node.put("step", step.step());
			node.put("component", step.component());
			node.put("seconds", round(step.seconds()));
			node.put("outcome", step.outcome().wireName());
			if (step.drained() != null) {
				node.put("drained", step.drained());
				node.put("forced", step.forced());
				node.put("rejected", step.rejected());
			}
		}
		return report;
	}

	private static double round(double seconds) {
		return Math.round(seconds * 1000.0) / 1000.0;
	}

}
