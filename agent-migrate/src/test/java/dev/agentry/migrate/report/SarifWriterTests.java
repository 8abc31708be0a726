package dev.agentry.migrate.report;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.agentry.migrate.Corpus;
import dev.agentry.migrate.audit.AuditReport;
import dev.agentry.migrate.audit.Auditor;
import dev.agentry.migrate.audit.ClassReport;
import dev.agentry.migrate.audit.Rules;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The SARIF shape GitHub code scanning requires, checked field by field on the corpus's report. */
class SarifWriterTests {

	private final AuditReport report = new Auditor().audit(Corpus.files());

	private final JsonNode sarif = JsonMapper.builder().build().readTree(ReportFormat.SARIF.render(this.report));

	private final JsonNode run = this.sarif.path("runs").get(0);

	@Test
	void declaresSarif210WithItsSchema() {
		assertThat(this.sarif.path("$schema").asString()).contains("sarif-2.1.0");
		assertThat(this.sarif.path("version").asString()).isEqualTo("2.1.0");
		assertThat(this.sarif.path("runs").size()).isEqualTo(1);
	}

	@Test
	void driverNamesTheToolAndEveryRuleWithHelp() {
		JsonNode driver = this.run.path("tool").path("driver");
		assertThat(driver.path("name").asString()).isEqualTo("agent-migrate");
		assertThat(driver.path("informationUri").asString()).startsWith("https://");
		assertThat(driver.path("version").asString()).isNotBlank();
		JsonNode rules = driver.path("rules");
		assertThat(rules.size()).isEqualTo(Rules.ALL.size());
		for (int i = 0; i < rules.size(); i++) {
			JsonNode rule = rules.get(i);
			assertThat(rule.path("id").asString()).isEqualTo(Rules.ALL.get(i).id());
			assertThat(rule.path("name").asString()).matches("[A-Z][A-Za-z]+");
			assertThat(rule.path("shortDescription").path("text").asString()).isNotBlank();
			assertThat(rule.path("fullDescription").path("text").asString()).isNotBlank();
			assertThat(rule.path("help").path("text").asString()).contains("Fix:");
			assertThat(rule.path("help").path("markdown").asString()).contains("**Fix:**");
			assertThat(rule.path("defaultConfiguration").path("level").asString()).isIn("error", "warning", "note");
			assertThat(rule.path("properties").path("weight").isInt()).isTrue();
			assertThat(rule.path("properties").path("tags").isArray()).isTrue();
		}
		assertThat(rules.valueStream().filter((rule) -> rule.path("id").asString().equals("shared-socket")))
			.singleElement()
			.satisfies((rule) -> assertThat(rule.path("properties").path("precision").asString()).isEqualTo("low"));
	}

	@Test
	void everyFindingIsAResultWithARelativeLocationAndItsRule() {
		JsonNode results = this.run.path("results");
		long findings = this.report.classes().stream().mapToLong((type) -> type.findings().size()).sum()
				+ this.report.unparseable().size();
		assertThat(results.size()).isEqualTo((int) findings);
		JsonNode rules = this.run.path("tool").path("driver").path("rules");
		for (JsonNode result : results) {
			String ruleId = result.path("ruleId").asString();
			assertThat(rules.get(result.path("ruleIndex").asInt()).path("id").asString()).isEqualTo(ruleId);
			assertThat(result.path("level").asString()).isIn("error", "warning", "note");
			assertThat(result.path("message").path("text").asString()).isNotBlank();
			JsonNode physical = result.path("locations").get(0).path("physicalLocation");
			String uri = physical.path("artifactLocation").path("uri").asString();
			assertThat(uri).startsWith("src/test/resources/corpus/").endsWith(".java").doesNotContain("\\");
			assertThat(physical.path("artifactLocation").path("uriBaseId").asString()).isEqualTo("%SRCROOT%");
			assertThat(physical.path("region").path("startLine").asInt()).isPositive();
			assertThat(physical.path("region").path("startColumn").asInt()).isPositive();
			assertThat(result.path("partialFingerprints").properties()).isNotEmpty();
		}
		assertThat(this.run.path("originalUriBaseIds").has("%SRCROOT%")).isTrue();
	}

	@Test
	void fingerprintsAreUniqueSoThatCodeScanningKeepsEveryResult() {
		Set<String> fingerprints = new HashSet<>();
		for (JsonNode result : this.run.path("results")) {
			fingerprints.add(result.path("partialFingerprints").path("agentMigrateFinding/v1").asString());
		}
		assertThat(fingerprints).hasSize(this.run.path("results").size());
	}

	@Test
	void fingerprintsDoNotDependOnLineNumbers() {
		AuditReport moved = new AuditReport(this.report.files(), this.report.classes().stream()
			.map((type) -> new ClassReport(type.className(), type.file(), type.line() + 3, type.findings().stream()
				.map((f) -> new dev.agentry.migrate.audit.Finding(f.rule(), f.file(), f.line() + 3, f.column(),
						f.className(), f.message(), f.fix()))
				.toList(), type.score(), type.level(), type.agentCore()))
			.toList(), this.report.unparseable());
		JsonNode movedRun = JsonMapper.builder().build().readTree(ReportFormat.SARIF.render(moved)).path("runs").get(0);
		assertThat(fingerprints(movedRun)).isEqualTo(fingerprints(this.run));
	}

	private static List<String> fingerprints(JsonNode run) {
		return run.path("results").valueStream().map((result) -> result.path("partialFingerprints").toString()).toList();
	}

}
