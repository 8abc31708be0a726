package dev.agentry.migrate.report;

import dev.agentry.migrate.audit.AuditReport;

/** How an audit is written out. */
public enum ReportFormat {

	TABLE(new TableWriter()), JSON(new JsonWriter()), SARIF(new SarifWriter());

	private final ReportWriter writer;

	ReportFormat(ReportWriter writer) {
		this.writer = writer;
	}

	public String render(AuditReport report) {
		return this.writer.render(report);
	}

	/** This tool's version, as the reports name it. */
	public static String version() {
		return ToolVersion.get();
	}

	interface ReportWriter {

		String render(AuditReport report);

	}

}
