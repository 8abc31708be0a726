package dev.agentry.migrate.audit;

import java.util.List;

/**
 * The audit of a set of files.
 *
 * @param files how many source files were read
 * @param classes every class found, by file then line
 * @param unparseable one {@code parse-error} finding per file that does not parse
 */
public record AuditReport(int files, List<ClassReport> classes, List<Finding> unparseable) {

	public long count(Level level) {
		return this.classes.stream().filter((report) -> report.level() == level).count();
	}

	/** The highest level of any class, {@code null} when there is no class. */
	public Level highest() {
		return this.classes.stream().map(ClassReport::level).max(Enum::compareTo).orElse(null);
	}

	/** The summary line the table ends with. */
	public String summary() {
		return this.files + " files, " + this.classes.size() + " classes, " + count(Level.COMPLIANT) + " compliant, "
				+ count(Level.LOW) + " low, " + count(Level.MEDIUM) + " medium, " + count(Level.HIGH) + " high, "
				+ this.unparseable.size() + " unparseable";
	}

}
