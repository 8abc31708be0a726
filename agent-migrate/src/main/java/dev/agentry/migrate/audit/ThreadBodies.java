package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import dev.agentry.migrate.syntax.Patterns;

/**
 * The code of a class that runs on a thread of its own: what is handed to a thread (audited
 * Thread subclasses included), an executor or {@code CompletableFuture} (a lambda, an anonymous
 * class, {@code this::method}), and the {@code run()} of a Thread or Runnable class. Calls are
 * not followed.
 */
final class ThreadBodies {

	private static final Set<String> THREAD_STARTS = Set.of("submit", "execute", "schedule", "scheduleAtFixedRate",
			"scheduleWithFixedDelay", "runAsync", "supplyAsync", "startVirtualThread", "start", "invokeAll",
			"invokeAny", "fork");

	private static final Set<String> THREAD_TYPES = Set.of("Thread", "Runnable", "Callable");

	private ThreadBodies() {
	}

	static List<Node> of(ClassScope scope) {
		List<Node> bodies = new ArrayList<>();
		List<String> referenced = new ArrayList<>();
		for (Expression expression : scope.find(Expression.class)) {
			if (!(expression instanceof LambdaExpr || Patterns.isAnonymousClass(expression)
					|| expression instanceof MethodReferenceExpr)) {
				continue;
			}
			Node parent = expression.getParentNode().orElse(null);
			boolean handedToThread = (parent instanceof ObjectCreationExpr creation && scope.isThreadCreation(creation))
					|| (parent instanceof MethodCallExpr call && THREAD_STARTS.contains(call.getNameAsString())
							&& call.getScope().orElse(null) != expression);
			boolean threadSubclass = expression instanceof ObjectCreationExpr creation && scope.isThreadCreation(creation);
			if (expression instanceof MethodReferenceExpr reference) {
				if (handedToThread && reference.getScope() instanceof ThisExpr) {
					referenced.add(reference.getIdentifier());
				}
			}
			else if (handedToThread || threadSubclass) {
				bodies.add(expression);
			}
		}
		boolean runnableClass = scope.supertypes().stream()
			.anyMatch((type) -> THREAD_TYPES.contains(type) || scope.types().isThread(type));
		for (MethodDeclaration method : scope.methods()) {
			boolean run = runnableClass && method.getParameters().isEmpty()
					&& (method.getNameAsString().equals("run") || method.getNameAsString().equals("call"));
			if (run || referenced.contains(method.getNameAsString())) {
				bodies.add(method);
			}
		}
		return bodies;
	}

	/** The body among {@code bodies} that {@code node} runs in, if any. */
	static boolean inAny(List<Node> bodies, Node node) {
		return bodies.stream().anyMatch((body) -> body == node || node.isDescendantOf(body));
	}

}
