package dev.agentry.migrate.rewrite;

import java.util.List;
import java.util.Optional;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.printer.lexicalpreservation.LexicalPreservingPrinter;
import dev.agentry.migrate.audit.Sources;

/**
 * Applies every rewrite to one source in two passes. First, line edits anchored at the syntax
 * tree's positions (removing a statement, inserting one): JavaParser 3.28's
 * LexicalPreservingPrinter leaves stray indentation where a statement was removed and
 * mis-indents a statement put first in a block, so these are done on whole lines. Then the
 * annotation and import changes through the LexicalPreservingPrinter, which reprints only the
 * touched nodes. Either way every other character of the file stays as the author wrote it.
 */
public final class Migrator {

	private final List<Rewrite> rewrites = List.of(new HandlerRemoval(), new InterruptFlagRewrite(),
			new LingerRewrite());

	private final JavaParser parser = Sources.parser();

	/** The migrated source and what changed; empty when the source does not parse. */
	public Optional<Migration> migrate(String source) {
		Optional<CompilationUnit> unit = parse(source);
		if (unit.isEmpty()) {
			return Optional.empty();
		}
		Plan plan = new Plan(source);
		this.rewrites.forEach((rewrite) -> rewrite.plan(unit.get(), plan));
		String migrated = plan.edits.isEmpty() ? source : plan.edits.apply();
		if (!plan.preDestroy.isEmpty() || plan.signalHandlersRemoved) {
			CompilationUnit edited = LexicalPreservingPrinter.setup(parse(migrated)
				.orElseThrow(() -> new IllegalStateException("The line edits broke the source:\n" + plan.changes)));
			PreDestroyAnnotation.annotate(edited, plan.preDestroy);
			if (plan.signalHandlersRemoved) {
				PreDestroyAnnotation.removeUnusedSignalImports(edited);
			}
			migrated = LexicalPreservingPrinter.print(edited);
		}
		return Optional.of(new Migration(source, migrated, List.copyOf(plan.changes)));
	}

	private Optional<CompilationUnit> parse(String source) {
		ParseResult<CompilationUnit> result = this.parser.parse(source);
		return result.isSuccessful() ? result.getResult() : Optional.empty();
	}

	/**
	 * @param original the source as read
	 * @param migrated the source after the rewrites (the same text when nothing applied)
	 * @param changes one line per rewrite applied
	 */
	public record Migration(String original, String migrated, List<String> changes) {

		public boolean changed() {
			return !this.original.equals(this.migrated);
		}

	}

}
