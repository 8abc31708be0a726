package dev.agentry.migrate;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code java -jar agent-migrate.jar audit|migrate ...}. Exit codes: 0 done, 1 the
 * {@code --fail-on} threshold was reached, 2 a usage error (picocli's own convention, and no Java
 * file found), 3 an I/O error (see {@link Failures}).
 */
@Command(name = "agent-migrate", mixinStandardHelpOptions = true, versionProvider = AgentMigrate.Version.class,
		subcommands = { AuditCommand.class, MigrateCommand.class },
		description = "Audits Java agent code for shutdown hazards and migrates the mechanical cases onto Agentry.")
public final class AgentMigrate implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	public static void main(String[] args) {
		System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
	}

	/** Runs one command line with the given streams; returns the exit code. */
	static int run(PrintWriter out, PrintWriter err, String... args) {
		CommandLine commandLine = new CommandLine(new AgentMigrate()).setCaseInsensitiveEnumValuesAllowed(true)
			.setOut(out)
			.setErr(err)
			.setExecutionExceptionHandler(new Failures());
		int code = commandLine.execute(args);
		out.flush();
		err.flush();
		return code;
	}

	@Override
	public Integer call() {
		this.spec.commandLine().getErr().println("Missing command: audit or migrate");
		this.spec.commandLine().usage(this.spec.commandLine().getErr());
		return CommandLine.ExitCode.USAGE;
	}

	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			return new String[] { "agent-migrate " + dev.agentry.migrate.report.ReportFormat.version() };
		}

	}

}
