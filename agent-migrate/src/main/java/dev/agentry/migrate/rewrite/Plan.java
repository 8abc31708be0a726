package dev.agentry.migrate.rewrite;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rewrites decided for one source: line edits, then the methods that become
 * {@code @PreDestroy} (applied with JavaParser's LexicalPreservingPrinter once the lines are
 * edited), and one line per change for the user.
 */
final class Plan {

	/** A method by its class's simple name and its own name (clean-up methods take no parameters). */
	record MethodRef(String className, String methodName) {
	}

	final LineEdits edits;

	final List<MethodRef> preDestroy = new ArrayList<>();

	final List<String> changes = new ArrayList<>();

	boolean signalHandlersRemoved;

	Plan(String source) {
		this.edits = new LineEdits(source);
	}

}
