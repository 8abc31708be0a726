package dev.agentry.migrate.audit;

/**
 * What a rule is, as every report shows it: the id in findings and SARIF, the weight the
 * {@link Scorer} adds per finding, and the texts of the README's rule table.
 *
 * @param id stable rule id, e.g. {@code shutdown-hook}
 * @param name PascalCase name (SARIF {@code rules[].name})
 * @param weight added to a class's score per finding
 * @param summary one line: the hazard
 * @param description why it keeps an agent from stopping cleanly
 * @param fix the manual fix
 * @param heuristic whether the rule guesses (reported as such, SARIF precision low)
 */
public record RuleSpec(String id, String name, int weight, String summary, String description, String fix,
		boolean heuristic) {

	/** SARIF's level for this rule: the weight decides how loud code scanning is. */
	public String sarifLevel() {
		if (this.weight >= 5) {
			return "error";
		}
		return (this.weight >= 3) ? "warning" : "note";
	}

}
