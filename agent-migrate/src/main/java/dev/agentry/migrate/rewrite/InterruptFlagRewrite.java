package dev.agentry.migrate.rewrite;

import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import dev.agentry.migrate.syntax.InterruptRestore;

/**
 * A {@code catch (InterruptedException)} that swallows the interrupt gets
 * {@code Thread.currentThread().interrupt();} as its last statement: the code goes on as before
 * and later waits see the request to stop. Such a body has no jump (a return, throw or break
 * would count as leaving), so the last place is always reached. Only where
 * {@link InterruptRestore#isSafe} says so: never inside a loop (the restored flag would make the
 * next wait throw at once and the loop spin) and never where a JeroMQ call may follow (it would
 * fail on the flag and lose its message); those stay findings for a person.
 */
final class InterruptFlagRewrite implements Rewrite {

	static final String RESTORE = "Thread.currentThread().interrupt();";

	@Override
	public void plan(CompilationUnit unit, Plan plan) {
		for (CatchClause clause : unit.findAll(CatchClause.class)) {
			if (!InterruptRestore.isSafe(clause)) {
				continue;
			}
			BlockStmt body = clause.getBody();
			Position open = body.getBegin().get();
			Position close = body.getEnd().get();
			LineEdits edits = plan.edits;
			if (close.line > open.line && edits.onlyWhitespaceBefore(close.line, close.column)) {
				String indentation = body.getStatements().isEmpty()
						? edits.indentation(close.line) + indentUnit(edits, close.line)
						: edits.indentation(body.getStatement(body.getStatements().size() - 1).getBegin().get().line);
				edits.insertLineAfter(close.line - 1, indentation + RESTORE);
			}
			else {
				boolean spaced = close.column > 1 && Character.isWhitespace(edits.line(close.line).charAt(close.column - 2));
				edits.insertAt(close.line, close.column, (spaced ? "" : " ") + RESTORE + " ");
			}
			plan.changes.add("catch (InterruptedException) at line " + clause.getBegin().get().line
					+ " restores the interrupt flag");
		}
	}

	/** Tabs if the file indents with tabs here, else four spaces. */
	private static String indentUnit(LineEdits edits, int line) {
		return edits.indentation(line).contains("\t") ? "\t" : "    ";
	}

}
