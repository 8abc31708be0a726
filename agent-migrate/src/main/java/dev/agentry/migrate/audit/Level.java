package dev.agentry.migrate.audit;

/** A class's risk level, from its score; the order is the order of {@code --fail-on}. */
public enum Level {

	COMPLIANT, LOW, MEDIUM, HIGH;

	/** The lower-case name used in reports and on the command line. */
	public String label() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
