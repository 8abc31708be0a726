package dev.agentry.migrate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.agentry.migrate.audit.Auditor;
import dev.agentry.migrate.audit.ClassReport;
import dev.agentry.migrate.audit.Finding;
import dev.agentry.migrate.audit.Sources;
import dev.agentry.migrate.audit.TypeIndex;
import dev.agentry.migrate.report.DisplayPaths;
import dev.agentry.migrate.rewrite.LineMap;
import dev.agentry.migrate.rewrite.Migrator;
import dev.agentry.migrate.rewrite.UnifiedDiff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code migrate <path>... [--dry-run]}: the unified diff on stdout; on stderr what each rewrite
 * did and the findings left for a person, with their manual fixes, at their lines in the file as
 * it was before the rewrite (the one the user has open, whether or not anything was written).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
		description = "Applies the safe rewrites and prints a unified diff.")
final class MigrateCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Parameters(arity = "1..*", paramLabel = "<path>", description = "Java files or directories to migrate")
	List<Path> paths;

	@Option(names = "--dry-run", description = "Print the diff, write nothing")
	boolean dryRun;

	@Override
	public Integer call() throws IOException {
		List<Path> files = Paths.javaFiles(this.spec, this.paths);
		PrintWriter out = this.spec.commandLine().getOut();
		PrintWriter err = this.spec.commandLine().getErr();
		Migrator migrator = new Migrator();
		Auditor auditor = new Auditor();
		TypeIndex types = auditor.types(files);
		int changed = 0;
		int left = 0;
		for (Path file : files) {
			String shown = DisplayPaths.of(file);
			Optional<String> source = Sources.readStrict(file);
			if (source.isEmpty()) {
				err.println(shown + ": not rewritten, not UTF-8 (migrate rewrites UTF-8 sources only)");
				// still audited, so that its findings count among those left for a person
				left += report(err, shown, auditor.audit(file, Sources.readLenient(file), types), null);
				continue;
			}
			Optional<Migrator.Migration> migration = migrator.migrate(source.get());
			if (migration.isEmpty()) {
				err.println(shown + ": skipped, does not parse");
				continue;
			}
			Migrator.Migration result = migration.get();
			if (result.changed()) {
				changed++;
				out.print(UnifiedDiff.of(shown, result.original(), result.migrated()));
				result.changes().forEach((change) -> err.println(shown + ": " + change));
				if (!this.dryRun) {
					Files.writeString(file, result.migrated());
				}
			}
			left += report(err, shown, auditor.audit(file, result.migrated(), types),
					LineMap.of(result.original(), result.migrated()));
		}
		err.println("migrate: " + changed + " of " + files.size() + " files " + (this.dryRun ? "would change" : "changed")
				+ ", " + left + " findings left for a person" + (this.dryRun ? " (dry run: nothing written)" : ""));
		return 0;
	}

	/** One line per finding, at its original line; returns how many. */
	private static int report(PrintWriter err, String shown, List<ClassReport> classes, LineMap lines) {
		int count = 0;
		for (ClassReport type : classes) {
			for (Finding finding : type.findings()) {
				count++;
				int line = (lines != null) ? lines.original(finding.line()) : finding.line();
				err.println(shown + ":" + line + ": left for a person: " + finding.rule().id() + ": " + finding.fix());
			}
		}
		return count;
	}

}
