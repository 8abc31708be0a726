package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.SuperExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import dev.agentry.migrate.syntax.Patterns;

/**
 * A socket that a thread body of this class uses (a field, or the object itself when the class
 * is a ZMQ.Socket subclass) and that code outside that body closes without joining a thread
 * first: the close races the loop's next poll or receive on a socket that is not thread-safe.
 */
final class CrossThreadCloseRule implements Rule {

	private static final Set<String> CLOSE = Set.of("close");

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		List<Node> bodies = ThreadBodies.of(scope);
		if (bodies.isEmpty()) {
			return findings;
		}
		for (String socket : scope.socketNames()) {
			boolean self = socket.equals(ClassScope.THIS);
			if (!self && scope.field(socket).isEmpty()) {
				continue;
			}
			boolean usedOnThread = bodies.stream().anyMatch((body) -> uses(body, socket, self));
			if (!usedOnThread) {
				continue;
			}
			for (MethodCallExpr call : scope.find(MethodCallExpr.class)) {
				boolean closes = self ? call.getNameAsString().equals("close") && call.getArguments().isEmpty()
						&& call.getScope().filter(SuperExpr.class::isInstance).isPresent()
						: Patterns.isCallOn(call, socket, CLOSE);
				if (closes && !ThreadBodies.inAny(bodies, call) && !joinsBefore(call)) {
					findings.add(scope.finding(Rules.CROSS_THREAD_CLOSE, call, call + " closes "
							+ (self ? "this socket" : "socket '" + socket + "'")
							+ " while the thread that uses it may still be running (no join before)"));
				}
			}
		}
		return findings;
	}

	/** Whether the body reads the field, or for the object itself calls one of its own methods or hands {@code this} on. */
	private static boolean uses(Node body, String socket, boolean self) {
		if (self) {
			return body.findAll(MethodCallExpr.class)
				.stream()
				.anyMatch((call) -> call.getScope().filter((s) -> s instanceof ThisExpr || s instanceof SuperExpr).isPresent())
					|| body.findAll(ThisExpr.class).stream().anyMatch((t) -> t.getParentNode().orElse(null) instanceof MethodCallExpr);
		}
		return body.findAll(Expression.class)
			.stream()
			.anyMatch((expression) -> (expression instanceof NameExpr name && name.getNameAsString().equals(socket))
					|| Patterns.simpleTarget(expression).filter(socket::equals).isPresent());
	}

	/** Whether the method joins a thread before this close: then the loop has ended. */
	private static boolean joinsBefore(MethodCallExpr close) {
		return Patterns.enclosingBody(close)
			.map((body) -> body.findAll(MethodCallExpr.class)
				.stream()
				.anyMatch((call) -> (call.getNameAsString().equals("join") || call.getNameAsString().equals("awaitTermination"))
						&& call.getBegin().get().isBefore(close.getBegin().get())))
			.orElse(false);
	}

}
