package dev.agentry.migrate.audit;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The thresholds the README documents. */
class ScorerTests {

	@Test
	void scoreIsTheSumOfTheWeights() {
		assertThat(Scorer.score(findings(Rules.ENDLESS_LOOP, Rules.SOCKET_LINGER, Rules.SOCKET_LINGER))).isEqualTo(7);
		assertThat(Scorer.score(List.of())).isZero();
	}

	@Test
	void levelsStartAtOneFiveAndTen() {
		assertThat(Scorer.level(0)).isEqualTo(Level.COMPLIANT);
		assertThat(Scorer.level(1)).isEqualTo(Level.LOW);
		assertThat(Scorer.level(4)).isEqualTo(Level.LOW);
		assertThat(Scorer.level(5)).isEqualTo(Level.MEDIUM);
		assertThat(Scorer.level(9)).isEqualTo(Level.MEDIUM);
		assertThat(Scorer.level(10)).isEqualTo(Level.HIGH);
	}

	@Test
	void onlyParseErrorAndInformationalRulesWeighNothingAndIdsAreUnique() {
		assertThat(Rules.ALL).filteredOn((rule) -> rule.weight() == 0)
			.containsExactlyInAnyOrder(Rules.PARSE_ERROR, Rules.ZCONTEXT_LINGER);
		assertThat(Rules.ALL).allSatisfy((rule) -> assertThat(rule.weight()).isNotNegative());
		assertThat(Rules.ALL.stream().map(RuleSpec::id)).doesNotHaveDuplicates();
	}

	private static List<Finding> findings(RuleSpec... rules) {
		return Stream.of(rules).map((rule) -> new Finding(rule, Path.of("A.java"), 1, 1, "A", "m", "f")).toList();
	}

}
