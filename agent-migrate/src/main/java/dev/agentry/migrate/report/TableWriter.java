package dev.agentry.migrate.report;

import dev.agentry.migrate.audit.AuditReport;
import dev.agentry.migrate.audit.ClassReport;
import dev.agentry.migrate.audit.Finding;

/** The human report: one block per class, its findings with their fixes, and the summary line. */
final class TableWriter implements ReportFormat.ReportWriter {

	@Override
	public String render(AuditReport report) {
		StringBuilder out = new StringBuilder();
		for (ClassReport type : report.classes()) {
			out.append(String.format("%-9s %3d  %s  %s:%d%s%n", type.level().label(), type.score(), type.className(),
					DisplayPaths.of(type.file()), type.line(), type.agentCore() ? "  (runs on agent-core)" : ""));
			for (Finding finding : type.findings()) {
				out.append(String.format("    %5d:%-3d %-24s %s%n", finding.line(), finding.column(),
						finding.rule().id(), finding.message()));
				out.append(String.format("    %34s fix: %s%n", "", finding.fix()));
			}
		}
		for (Finding finding : report.unparseable()) {
			out.append(String.format("%-9s %3s  %s:%d:%d  %s%n", "unparsed", "-", DisplayPaths.of(finding.file()),
					finding.line(), finding.column(), finding.message()));
		}
		if (out.length() > 0) {
			out.append(System.lineSeparator());
		}
		return out.append(report.summary()).append(System.lineSeparator()).toString();
	}

}
