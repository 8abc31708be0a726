package dev.agentry.migrate.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.agentry.migrate.PublicCorpus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit measured on public code its authors did not write, against a reviewer's judgement
 * recorded by hand ({@code public-corpus/expected-findings.txt}). Informational findings
 * (weight 0) are not hazards and are left out of both figures.
 */
class PublicCorpusTests {

	private static final Path README = Path.of("../README.md");

	private final Set<String> actual = hazards(new Auditor().audit(PublicCorpus.files()));

	private final Set<String> expected = PublicCorpus.expectedFindings();

	@Test
	void precisionAndRecallReachNinetyPercent() {
		Score score = new Score(this.actual, this.expected);
		assertThat(score.precision()).as("false alarms: %s", score.falseAlarms()).isGreaterThanOrEqualTo(0.9);
		assertThat(score.recall()).as("missed: %s", score.missed()).isGreaterThanOrEqualTo(0.9);
	}

	@Test
	void theReadmeShowsTheMeasuredFigures() throws IOException {
		Score score = new Score(this.actual, this.expected);
		assertThat(Files.readString(README)).contains(score.summary());
	}

	@Test
	void everyFileOfTheCorpusParsesAndIsAudited() {
		AuditReport report = new Auditor().audit(PublicCorpus.files());
		assertThat(report.unparseable()).isEmpty();
		assertThat(report.files()).isEqualTo(14);
	}

	static Set<String> hazards(AuditReport report) {
		Set<String> found = new TreeSet<>();
		report.classes()
			.stream()
			.flatMap((type) -> type.findings().stream())
			.filter((finding) -> finding.rule().weight() > 0)
			.forEach((finding) -> found.add(PublicCorpus.key(finding.file(), finding.line(), finding.rule().id())));
		return found;
	}

	/** Precision and recall of the findings against the judged hazards. */
	record Score(Set<String> actual, Set<String> expected) {

		Set<String> truePositives() {
			Set<String> both = new LinkedHashSet<>(this.actual);
			both.retainAll(this.expected);
			return both;
		}

		List<String> falseAlarms() {
			return this.actual.stream().filter((finding) -> !this.expected.contains(finding)).toList();
		}

		List<String> missed() {
			return this.expected.stream().filter((hazard) -> !this.actual.contains(hazard)).toList();
		}

		double precision() {
			return (double) truePositives().size() / this.actual.size();
		}

		double recall() {
			return (double) truePositives().size() / this.expected.size();
		}

		/** The README's line: {@code precision 95 % (57 of 60 findings), recall 92 % (57 of 62 hazards)}. */
		String summary() {
			return String.format(Locale.ROOT, "precision %d %% (%d of %d findings), recall %d %% (%d of %d hazards)",
					Math.round(precision() * 100), truePositives().size(), this.actual.size(),
					Math.round(recall() * 100), truePositives().size(), this.expected.size());
		}

	}

}
