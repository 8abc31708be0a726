package dev.agentry.migrate.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.agentry.migrate.audit.AuditReport;
import dev.agentry.migrate.audit.Finding;
import dev.agentry.migrate.audit.RuleSpec;
import dev.agentry.migrate.audit.Rules;

/**
 * SARIF 2.1.0 as GitHub code scanning takes it: every rule with its help, every finding as a
 * result with a relative location against {@code %SRCROOT%} and a fingerprint that survives
 * line moves (rule, file, class, message and its occurrence, not the line).
 */
final class SarifWriter implements ReportFormat.ReportWriter {

	static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

	static final String INFORMATION_URI = "https://github.com/agentry/agentry#bring-existing-agents-onto-agentry";

	static final String BASE = "%SRCROOT%";

	@Override
	public String render(AuditReport report) {
		Map<String, Object> driver = new LinkedHashMap<>();
		driver.put("name", "agent-migrate");
		driver.put("informationUri", INFORMATION_URI);
		driver.put("version", ToolVersion.get());
		driver.put("rules", Rules.ALL.stream().map(SarifWriter::rule).toList());
		Map<String, Object> run = new LinkedHashMap<>();
		run.put("tool", Map.of("driver", driver));
		run.put("originalUriBaseIds", Map.of(BASE, Map.of("description", Map.of("text", "the working directory of the audit"))));
		run.put("results", results(report));
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("$schema", SCHEMA);
		root.put("version", "2.1.0");
		root.put("runs", List.of(run));
		return JsonWriter.MAPPER.writeValueAsString(root) + System.lineSeparator();
	}

	private static Map<String, Object> rule(RuleSpec rule) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", rule.id());
		json.put("name", rule.name());
		json.put("shortDescription", Map.of("text", rule.summary()));
		json.put("fullDescription", Map.of("text", rule.description()));
		json.put("help", Map.of("text", rule.description() + " Fix: " + rule.fix(), "markdown",
				"**" + rule.summary() + "**\n\n" + rule.description() + "\n\n**Fix:** " + rule.fix()
						+ "\n\nWeight in the class risk score: " + rule.weight() + "."));
		json.put("defaultConfiguration", Map.of("level", level(rule)));
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("weight", rule.weight());
		properties.put("precision", rule.heuristic() ? "low" : "high");
		properties.put("tags", List.of("agentry", "shutdown"));
		json.put("properties", properties);
		return json;
	}

	private static String level(RuleSpec rule) {
		// A file we could not read is worth a look but is not itself a hazard.
		return (rule == Rules.PARSE_ERROR) ? "warning" : rule.sarifLevel();
	}

	private static List<Map<String, Object>> results(AuditReport report) {
		List<Map<String, Object>> results = new ArrayList<>();
		Map<String, Integer> occurrences = new HashMap<>();
		Stream.concat(report.classes().stream().flatMap((type) -> type.findings().stream()),
				report.unparseable().stream()).forEach((finding) -> {
					String uri = DisplayPaths.of(finding.file());
					String key = finding.rule().id() + "|" + uri + "|" + finding.className() + "|" + finding.message();
					int occurrence = occurrences.merge(key, 1, Integer::sum);
					results.add(result(finding, uri, sha256(key + "|" + occurrence)));
				});
		return results;
	}

	private static Map<String, Object> result(Finding finding, String uri, String fingerprint) {
		Map<String, Object> region = new LinkedHashMap<>();
		region.put("startLine", finding.line());
		region.put("startColumn", finding.column());
		Map<String, Object> physical = new LinkedHashMap<>();
		physical.put("artifactLocation", Map.of("uri", uri, "uriBaseId", BASE));
		physical.put("region", region);
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("ruleId", finding.rule().id());
		json.put("ruleIndex", Rules.ALL.indexOf(finding.rule()));
		json.put("level", level(finding.rule()));
		json.put("message", Map.of("text", finding.message() + ". Fix: " + finding.fix()));
		json.put("locations", List.of(Map.of("physicalLocation", physical)));
		json.put("partialFingerprints", Map.of("agentMigrateFinding/v1", fingerprint));
		return json;
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
