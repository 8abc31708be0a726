package dev.agentry.migrate.rewrite;

import java.util.Optional;

import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.comments.Comment;
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
			Optional<CleanUpHandlers.Removal> removal = hook.or(() -> CleanUpHandlers.signalHandler(call));
			if (removal.isEmpty() || !deleteLines(removal.get().statement(), plan.edits)) {
				continue;
			}
			String className = removal.get().type().getNameAsString();
			Optional<String> method = removal.get().cleanUp().map(MethodDeclaration::getNameAsString);
			method.ifPresent((name) -> plan.preDestroy.add(new Plan.MethodRef(className, name)));
			String annotated = method.map((name) -> ", @PreDestroy on " + className + "." + name + "()").orElse("");
			if (hook.isPresent()) {
				plan.changes.add("shutdown hook removed" + annotated);
			}
			else {
				plan.signalHandlersRemoved = true;
				plan.changes.add("Signal.handle(" + call.getArgument(0) + ") removed" + annotated);
			}
		}
	}

	/** Deletes the statement's lines (with its comment) if nothing else stands on them. */
	private static boolean deleteLines(ExpressionStmt statement, LineEdits edits) {
		Position start = statement.getComment().flatMap(Comment::getBegin).orElse(statement.getBegin().get());
		Position end = statement.getEnd().get();
		if (!edits.onlyWhitespaceBefore(start.line, start.column) || !edits.onlyCommentAfter(end.line, end.column)) {
			return false;
		}
		int to = end.line;
		// a blank line on each side would leave two in a row: take one with the statement
		if (start.line > 1 && to < edits.lineCount() && edits.line(start.line - 1).isBlank() && edits.line(to + 1).isBlank()) {
			to++;
		}
		edits.deleteLines(start.line, to);
		return true;
	}

}
