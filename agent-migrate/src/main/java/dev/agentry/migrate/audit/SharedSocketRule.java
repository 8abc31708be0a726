package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ThisExpr;

/**
 * A socket field used inside a thread body and elsewhere, or in two thread bodies. A heuristic:
 * a thread body is code handed to {@code new Thread}, an executor or {@code CompletableFuture}
 * (a lambda, an anonymous class, {@code this::method}) or the {@code run()} of a Thread or
 * Runnable class; calls are not followed. Use in constructors is ignored: it happens before
 * any thread starts.
 */
final class SharedSocketRule implements Rule {

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		List<Node> bodies = ThreadBodies.of(scope);
		for (String socket : scope.socketNames()) {
			Optional<FieldDeclaration> field = scope.field(socket);
			if (field.isEmpty()) {
				continue;
			}
			List<Node> threads = new ArrayList<>();
			boolean elsewhere = false;
			for (Expression use : uses(scope, socket)) {
				Optional<Node> body = bodies.stream().filter((b) -> b == use || use.isDescendantOf(b)).findFirst();
				if (body.isPresent()) {
					// by identity: two lambdas that read alike are still two threads
					if (threads.stream().noneMatch((known) -> known == body.get())) {
						threads.add(body.get());
					}
				}
				else {
					elsewhere = true;
				}
			}
			if (threads.size() >= 2 || (threads.size() == 1 && elsewhere)) {
				String where = threads.stream().map(SharedSocketRule::describe).collect(Collectors.joining(", "));
				findings.add(scope.finding(Rules.SHARED_SOCKET, field.get(), "(heuristic) socket '" + socket
						+ "' is used on the thread of " + where + (elsewhere ? " and by other callers" : "")));
			}
		}
		return findings;
	}

	private static String describe(Node body) {
		if (body instanceof MethodDeclaration method) {
			return method.getNameAsString() + "()";
		}
		return "the code at line " + body.getBegin().map((position) -> position.line).orElse(0);
	}

	/** Reads of the field outside constructors and initializers, assignments to it excluded. */
	private static List<Expression> uses(ClassScope scope, String socket) {
		List<Expression> uses = new ArrayList<>();
		for (Expression expression : scope.find(Expression.class)) {
			boolean named = (expression instanceof NameExpr name && name.getNameAsString().equals(socket))
					|| (expression instanceof FieldAccessExpr access && access.getScope() instanceof ThisExpr
							&& access.getNameAsString().equals(socket));
			if (named && !isAssigned(expression) && !inSetUp(expression)) {
				uses.add(expression);
			}
		}
		return uses;
	}

	private static boolean isAssigned(Expression expression) {
		return expression.getParentNode().orElse(null) instanceof AssignExpr assign && assign.getTarget() == expression;
	}

	private static boolean inSetUp(Node node) {
		Node current = node.getParentNode().orElse(null);
		while (current != null && !(current instanceof TypeDeclaration<?>)) {
			if (current instanceof ConstructorDeclaration || current instanceof InitializerDeclaration
					|| current instanceof FieldDeclaration) {
				return true;
			}
			current = current.getParentNode().orElse(null);
		}
		return false;
	}

}
