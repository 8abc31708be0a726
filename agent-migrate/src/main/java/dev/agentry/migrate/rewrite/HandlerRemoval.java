package dev.agentry.migrate.rewrite;

import java.util.Optional;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import dev.agentry.migrate.syntax.CleanUpHandlers;

/**
 * Removes the hand-written shutdown that {@link CleanUpHandlers} recognises: a shutdown hook
 * the object registers for itself that only calls one clean-up method, and a TERM/INT
 * {@code Signal.handle} that only cleans up, exits or prints. The clean-up method becomes
 * {@code @PreDestroy}: Spring Boot's own shutdown hook closes the context on SIGTERM/SIGINT and
 * calls it. After SIGTERM the JVM exits 143 rather than with a handler's own status. The lines of
 * the registration (and the comment on it) are deleted whole; a registration sharing its lines
 * with other code is left alone.
 */
final class HandlerRemoval implements Rewrite {

	@Override
	public void plan(CompilationUnit unit, Plan plan) {
		for (MethodCallExpr call : unit.findAll(MethodCallExpr.class)) {
			Optional<CleanUpHandlers.Removal> hook = CleanUpHandlers.shutdownHook(call);
			Optional<CleanUpHandlers.Removal> signal = CleanUpHandlers.signalHandler(call);
			Optional<CleanUpHandlers.Removal> removal = hook.or(() -> signal);
			if (removal.isEmpty() || !deleteLines(removal.get().statement(), plan.edits)) {
				continue;
			}
			String className = removal.get().type().getNameAsString();
			removal.get().cleanUp().ifPresent((method) -> plan.preDestroy.add(new Plan.MethodRef(className, method.getNameAsString())));
			String annotated = removal.get().cleanUp().map((method) -> "@PreDestroy on " + className + "." + method.getNameAsString() + "()").orElse("");
			if (hook.isPresent()) {
				plan.changes.add("shutdown hook removed, " + annotated);
			}
			else {
				plan.signalHandlersRemoved = true;
				plan.changes.add("Signal.handle(" + call.getArgument(0) + ") removed" + (annotated.isEmpty() ? "" : ", " + annotated));
			}
		}
	}

	private static boolean deleteLines(ExpressionStmt statement, LineEdits edits) {
		int from = statement.getComment().flatMap((comment) -> comment.getBegin()).orElse(statement.getBegin().get()).line;
		int fromColumn = statement.getComment().flatMap((comment) -> comment.getBegin()).orElse(statement.getBegin().get()).column;
		int to = statement.getEnd().get().line;
		int toColumn = statement.getEnd().get().column;
		if (!edits.onlyWhitespaceBefore(from, fromColumn) || !edits.onlyCommentAfter(to, toColumn)) {
			return false;
		}
		// a blank line on each side would leave two in a row: take one with the statement
		if (from > 1 && to < edits.lineCount() && edits.line(from - 1).isBlank() && edits.line(to + 1).isBlank()) {
			to++;
		}
		edits.deleteLines(from, to);
		return true;
	}

}
