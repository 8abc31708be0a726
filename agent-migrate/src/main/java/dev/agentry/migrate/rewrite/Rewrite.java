package dev.agentry.migrate.rewrite;

import com.github.javaparser.ast.CompilationUnit;

/**
 * One rewrite that is safe by construction: it changes only code that matches its pattern
 * exactly, and code it has changed no longer matches (so running twice changes nothing).
 */
interface Rewrite {

	/** Adds this rewrite's edits for {@code unit} (parsed from the plan's source) to the plan. */
	void plan(CompilationUnit unit, Plan plan);

}
