package dev.agentry.migrate.audit;

import java.util.stream.Collectors;

import dev.agentry.migrate.Corpus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CorpusAuditTests {

	private final AuditReport report = new Auditor().audit(Corpus.files());

	@Test
	void findingsScoresAndLevelsMatchTheExpectedFile() {
		assertThat(compact(this.report)).isEqualTo(Corpus.read(Corpus.EXPECTED_FINDINGS));
	}

	@Test
	void summaryCountsEveryFileClassLevelAndUnparseableFile() {
		assertThat(this.report.summary())
			.isEqualTo("12 files, 13 classes, 4 compliant, 2 low, 2 medium, 5 high, 1 unparseable");
	}

	@Test
	void classesOnAgentCoreAreCompliantAndMarked() {
		assertThat(this.report.classes()).filteredOn(ClassReport::agentCore)
			.extracting(ClassReport::className)
			.containsExactly("GreeterAgent", "GreeterAgent.Handlers");
		assertThat(this.report.classes()).filteredOn(ClassReport::agentCore)
			.allSatisfy((type) -> assertThat(type.level()).isEqualTo(Level.COMPLIANT));
	}

	@Test
	void everyFindingNamesAFixAndExplainsItselfOnOneLine() {
		assertThat(this.report.classes()).flatMap(ClassReport::findings).allSatisfy((finding) -> {
			assertThat(finding.fix()).isNotBlank();
			assertThat(finding.message()).isNotBlank().doesNotContain("\n");
		});
	}

	/** The report as the expected file writes it: {@code file class score level}, then {@code   line rule}. */
	static String compact(AuditReport report) {
		StringBuilder out = new StringBuilder();
		for (Finding finding : report.unparseable()) {
			out.append(finding.file().getFileName()).append(" unparseable ").append(finding.line()).append('\n');
		}
		for (ClassReport type : report.classes()) {
			out.append(type.file().getFileName())
				.append(' ')
				.append(type.className())
				.append(' ')
				.append(type.score())
				.append(' ')
				.append(type.level().label())
				.append(type.agentCore() ? " agent-core" : "")
				.append('\n');
			out.append(type.findings()
				.stream()
				.map((finding) -> "  " + finding.line() + " " + finding.rule().id() + "\n")
				.collect(Collectors.joining()));
		}
		return out.toString();
	}

}
