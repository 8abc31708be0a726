package dev.agentry.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.agentry.migrate.audit.AuditReport;
import dev.agentry.migrate.audit.Auditor;
import dev.agentry.migrate.audit.Level;
import dev.agentry.migrate.report.ReportFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code audit <path>... [--format table|json|sarif] [--fail-on high|medium|low] [--output FILE]}. */
@Command(name = "audit", mixinStandardHelpOptions = true,
		description = "Reports shutdown hazards per class, with risk scores and fixes.")
final class AuditCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Parameters(arity = "1..*", paramLabel = "<path>", description = "Java files or directories to audit")
	List<Path> paths;

	@Option(names = "--format", defaultValue = "table", paramLabel = "table|json|sarif",
			description = "Report format (default: ${DEFAULT-VALUE})")
	ReportFormat format;

	@Option(names = "--fail-on", paramLabel = "high|medium|low",
			description = "Exit 1 when any class reaches this level")
	Level failOn;

	@Option(names = "--output", paramLabel = "FILE", description = "Write the report here instead of to stdout")
	Path output;

	@Override
	public Integer call() throws IOException {
		if (this.failOn == Level.COMPLIANT) {
			throw new CommandLine.ParameterException(this.spec.commandLine(),
					"--fail-on takes high, medium or low, not compliant");
		}
		AuditReport report = new Auditor().audit(Paths.javaFiles(this.spec, this.paths));
		String rendered = this.format.render(report);
		if (this.output != null) {
			Path parent = this.output.toAbsolutePath().getParent();
			Files.createDirectories(parent);
			Files.writeString(this.output, rendered);
			this.spec.commandLine().getErr().println(report.summary() + " (report in " + this.output + ")");
		}
		else {
			this.spec.commandLine().getOut().print(rendered);
		}
		Level highest = report.highest();
		boolean failed = this.failOn != null && highest != null && highest.compareTo(this.failOn) >= 0;
		return failed ? 1 : 0;
	}

}
