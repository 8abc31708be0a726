package dev.agentry.migrate.audit;

import java.nio.file.Path;

/**
 * One hazard at one place.
 *
 * @param rule the rule that found it
 * @param file the source file, as the walk found it
 * @param line 1-based line
 * @param column 1-based column
 * @param className the class it belongs to, {@code null} for a file that does not parse
 * @param message one line saying what is wrong here
 * @param fix the fix for this place
 */
public record Finding(RuleSpec rule, Path file, int line, int column, String className, String message,
		String fix) {
}
