package dev.agentry.bench;

/**
 * One row of the report: a figure for the agent and for its baseline, measured in the same
 * run, and their ratio (agent / baseline, of the medians) against this round's target.
 *
 * @param name what is measured
 * @param unit the unit of both figures
 * @param agent the agent's figure
 * @param baseline the baseline's figure, or {@code null} when there is none
 * @param baselineName what the baseline is
 * @param target the target ratio, or {@code null}
 * @param higherIsBetter whether the ratio must be at least the target (throughput) or at most
 * (times, memory)
 */
record Comparison(String name, String unit, Samples agent, Samples baseline, String baselineName, Double target,
		boolean higherIsBetter) {

	Double ratio() {
		return (this.baseline != null && this.baseline.median() != 0) ? this.agent.median() / this.baseline.median()
				: null;
	}

	/** Whether the target is met; {@code null} when there is no target. */
	Boolean met() {
		Double ratio = ratio();
		if (this.target == null || ratio == null) {
			return null;
		}
		return this.higherIsBetter ? ratio >= this.target : ratio <= this.target;
	}

}
