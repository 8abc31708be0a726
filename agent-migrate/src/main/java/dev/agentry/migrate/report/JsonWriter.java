package dev.agentry.migrate.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.migrate.audit.AuditReport;
import dev.agentry.migrate.audit.ClassReport;
import dev.agentry.migrate.audit.Finding;
import dev.agentry.migrate.audit.Level;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The audit as JSON, field names in snake case like agent-core's shutdown report. */
final class JsonWriter implements ReportFormat.ReportWriter {

	static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	@Override
	public String render(AuditReport report) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("files", report.files());
		summary.put("classes", report.classes().size());
		for (Level level : Level.values()) {
			summary.put(level.label(), report.count(level));
		}
		summary.put("unparseable", report.unparseable().size());
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("tool", "agent-migrate");
		root.put("version", ToolVersion.get());
		root.put("summary", summary);
		root.put("classes", report.classes().stream().map(JsonWriter::type).toList());
		root.put("unparseable", report.unparseable().stream().map(JsonWriter::finding).toList());
		return MAPPER.writeValueAsString(root) + System.lineSeparator();
	}

	private static Map<String, Object> type(ClassReport type) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("class", type.className());
		json.put("file", DisplayPaths.of(type.file()));
		json.put("line", type.line());
		json.put("score", type.score());
		json.put("level", type.level().label());
		json.put("agent_core", type.agentCore());
		List<Map<String, Object>> findings = type.findings().stream().map(JsonWriter::finding).toList();
		json.put("findings", findings);
		return json;
	}

	private static Map<String, Object> finding(Finding finding) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("rule", finding.rule().id());
		json.put("file", DisplayPaths.of(finding.file()));
		json.put("line", finding.line());
		json.put("column", finding.column());
		json.put("weight", finding.rule().weight());
		json.put("message", finding.message());
		json.put("fix", finding.fix());
		return json;
	}

}
