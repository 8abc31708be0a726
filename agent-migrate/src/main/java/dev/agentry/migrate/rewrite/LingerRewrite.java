package dev.agentry.migrate.rewrite;

import java.util.Optional;

import com.github.javaparser.Position;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.Statement;
import dev.agentry.migrate.syntax.LingerPlacement;
import dev.agentry.migrate.syntax.Patterns;

/**
 * A ZMQ.Context socket created into a variable or field with no {@code setLinger} call gets
 * {@code setLinger(1000)} right after its creation (first in the try block for a try resource).
 * 1000 ms is agent-core's {@code agent.zmq.linger} default: long enough to flush what was sent
 * just before the close, bounded so that a gone peer cannot hold the context's termination (a
 * ZMQ.Context socket's implicit linger is infinite). A linger the application set on the socket
 * or on its context is never overridden, and ZContext sockets are left alone: their linger 0
 * cannot hang a close, so changing it would only change what the program does.
 */
final class LingerRewrite implements Rewrite {

	static final int LINGER_MILLIS = 1000;

	@Override
	public void plan(CompilationUnit unit, Plan plan) {
		for (MethodCallExpr creation : unit.findAll(MethodCallExpr.class)) {
			// ZContext sockets are left alone: linger 0 cannot hang, and 1000 ms would change what close() does
			if (!Patterns.isSocketCreation(creation) || LingerPlacement.isZContextSocket(creation)
					|| LingerPlacement.contextLinger(creation)) {
				continue;
			}
			Optional<String> name = Patterns.assignedName(creation);
			Optional<TypeDeclaration<?>> type = creation.findAncestor(TypeDeclaration.class).map((t) -> (TypeDeclaration<?>) t);
			Optional<LingerPlacement.Site> site = LingerPlacement.of(creation);
			if (name.isEmpty() || type.isEmpty() || site.isEmpty()
					|| LingerPlacement.hasLinger(type.get(), creation, name.get())) {
				continue;
			}
			String call = site.get().target() + ".setLinger(" + LINGER_MILLIS + ");";
			if (insert(plan.edits, site.get(), call)) {
				plan.changes.add("socket '" + name.get() + "' gets setLinger(" + LINGER_MILLIS + ")");
			}
		}
	}

	/** After the statement before the site (or after the block's opening line), indented like its neighbours. */
	private static boolean insert(LineEdits edits, LingerPlacement.Site site, String call) {
		if (site.index() > 0) {
			Statement before = site.block().getStatement(site.index() - 1);
			Position end = before.getEnd().get();
			if (!edits.onlyCommentAfter(end.line, end.column)) {
				return false;
			}
			edits.insertLineAfter(end.line, edits.indentation(before.getBegin().get().line) + call);
			return true;
		}
		Position open = site.block().getBegin().get();
		if (!edits.onlyCommentAfter(open.line, open.column) || site.block().getStatements().isEmpty()) {
			return false;
		}
		Position first = site.block().getStatement(0).getBegin().get();
		if (first.line == open.line) {
			return false;
		}
		edits.insertLineAfter(open.line, edits.indentation(first.line) + call);
		return true;
	}

}
