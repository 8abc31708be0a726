package dev.agentry.migrate.syntax;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.Statement;

/**
 * Recognises the hand-written shutdown that can move to {@code @PreDestroy} safely: a shutdown
 * hook the object registers for itself whose body only calls one clean-up method of it, and a
 * TERM/INT {@code Signal.handle} whose handler only calls one such method, exits or prints. The
 * audit names these as fixed by {@code migrate}; the rewrites apply exactly these.
 */
public final class CleanUpHandlers {

	private static final Set<String> STOP_SIGNALS = Set.of("TERM", "INT");

	private CleanUpHandlers() {
	}

	/**
	 * What a removable hook or handler turns into.
	 *
	 * @param statement the registration statement to remove
	 * @param type the class whose method gets {@code @PreDestroy}
	 * @param cleanUp that method, empty for a handler that only exits
	 */
	public record Removal(ExpressionStmt statement, TypeDeclaration<?> type, Optional<MethodDeclaration> cleanUp) {
	}

	/** For {@code Runtime.getRuntime().addShutdownHook(new Thread(this::close[, name]))} and lambda forms. */
	public static Optional<Removal> shutdownHook(MethodCallExpr call) {
		if (!Patterns.isAddShutdownHook(call)
				|| !call.getScope().map(Object::toString).filter((s) -> s.endsWith("Runtime.getRuntime()")).isPresent()) {
			return Optional.empty();
		}
		Optional<ExpressionStmt> statement = removableStatement(call);
		Optional<TypeDeclaration<?>> type = thisType(call);
		if (statement.isEmpty() || type.isEmpty()
				|| !(call.getArgument(0) instanceof ObjectCreationExpr thread) || !Patterns.isThreadCreation(thread)
				|| thread.getAnonymousClassBody().isPresent() || thread.getArguments().isEmpty()
				|| thread.getArguments().size() > 2) {
			return Optional.empty();
		}
		Expression runnable = thread.getArgument(0);
		Optional<MethodDeclaration> method = (runnable instanceof MethodReferenceExpr reference)
				? (reference.getScope() instanceof ThisExpr) ? method(type.get(), reference.getIdentifier())
						: Optional.empty()
				: singleCall(runnable).flatMap((c) -> cleanUpMethod(type.get(), c));
		return method.filter((m) -> canAnnotate(type.get(), m))
			.map((m) -> new Removal(statement.get(), type.get(), Optional.of(m)));
	}

	/** For {@code Signal.handle(new Signal("TERM" | "INT"), handler)} whose handler only cleans up, exits or prints. */
	public static Optional<Removal> signalHandler(MethodCallExpr call) {
		if (!Patterns.isSignalHandle(call) || !isStopSignal(call.getArgument(0))) {
			return Optional.empty();
		}
		Optional<ExpressionStmt> statement = removableStatement(call);
		Optional<TypeDeclaration<?>> type = thisType(call);
		Optional<List<Statement>> body = handlerBody(call.getArgument(1));
		if (statement.isEmpty() || type.isEmpty() || body.isEmpty()) {
			return Optional.empty();
		}
		Set<MethodDeclaration> methods = new LinkedHashSet<>();
		for (Statement each : body.get()) {
			if (!(each instanceof ExpressionStmt expression) || !(expression.getExpression() instanceof MethodCallExpr inner)) {
				return Optional.empty();
			}
			if (!Patterns.isExit(inner) && !isPrint(inner)) {
				Optional<MethodDeclaration> method = cleanUpMethod(type.get(), inner);
				if (method.isEmpty()) {
					return Optional.empty();
				}
				methods.add(method.get());
			}
		}
		if (methods.size() > 1 || !methods.stream().allMatch((m) -> canAnnotate(type.get(), m))) {
			return Optional.empty();
		}
		return Optional.of(new Removal(statement.get(), type.get(), methods.stream().findFirst()));
	}

	private static Optional<ExpressionStmt> removableStatement(MethodCallExpr call) {
		if (call.getParentNode().orElse(null) instanceof ExpressionStmt statement
				&& statement.getParentNode().orElse(null) instanceof BlockStmt) {
			return Optional.of(statement);
		}
		return Optional.empty();
	}

	private static boolean isStopSignal(Expression signal) {
		return signal instanceof ObjectCreationExpr creation && creation.getArguments().size() == 1
				&& creation.getArgument(0) instanceof StringLiteralExpr name && STOP_SIGNALS.contains(name.getValue());
	}

	/** The handler's statements: a one-parameter lambda, or an anonymous class with just {@code handle(Signal)}. */
	private static Optional<List<Statement>> handlerBody(Expression handler) {
		if (handler instanceof LambdaExpr lambda && lambda.getParameters().size() == 1) {
			return Optional.of(statements(lambda.getBody()));
		}
		if (handler instanceof ObjectCreationExpr creation && creation.getAnonymousClassBody().isPresent()) {
			List<BodyDeclaration<?>> members = creation.getAnonymousClassBody().get();
			if (members.size() == 1 && members.get(0) instanceof MethodDeclaration method
					&& method.getNameAsString().equals("handle") && method.getBody().isPresent()) {
				return Optional.of(method.getBody().get().getStatements());
			}
		}
		return Optional.empty();
	}

	private static boolean isPrint(MethodCallExpr call) {
		String scope = call.getScope().map(Object::toString).orElse("");
		return (scope.equals("System.out") || scope.equals("System.err")) && call.getNameAsString().startsWith("print");
	}

	/** The method of {@code type} that {@code call} invokes on this object: {@code m()} or {@code this.m()}. */
	private static Optional<MethodDeclaration> cleanUpMethod(TypeDeclaration<?> type, MethodCallExpr call) {
		boolean onThis = call.getScope().isEmpty() || call.getScope().get() instanceof ThisExpr;
		return (onThis && call.getArguments().isEmpty()) ? method(type, call.getNameAsString()) : Optional.empty();
	}

	private static Optional<MethodDeclaration> method(TypeDeclaration<?> type, String name) {
		List<MethodDeclaration> methods = type.getMethodsByName(name)
			.stream()
			.filter((method) -> method.getParameters().isEmpty() && !method.isStatic() && method.getBody().isPresent())
			.toList();
		return (methods.size() == 1) ? Optional.of(methods.get(0)) : Optional.empty();
	}

	private static List<Statement> statements(Node body) {
		if (body instanceof BlockStmt block) {
			return block.getStatements();
		}
		return (body instanceof ExpressionStmt statement) ? List.of(statement) : List.of();
	}

	/** The single call a {@code () -> m()} / {@code () -> { this.m(); }} lambda makes. */
	private static Optional<MethodCallExpr> singleCall(Expression runnable) {
		if (!(runnable instanceof LambdaExpr lambda) || !lambda.getParameters().isEmpty()) {
			return Optional.empty();
		}
		List<Statement> statements = statements(lambda.getBody());
		if (statements.size() == 1 && statements.get(0) instanceof ExpressionStmt statement
				&& statement.getExpression() instanceof MethodCallExpr call) {
			return Optional.of(call);
		}
		return Optional.empty();
	}

	/** Jakarta allows one {@code @PreDestroy} method per class: another one already there rules this one out. */
	private static boolean canAnnotate(TypeDeclaration<?> type, MethodDeclaration method) {
		return type.getMethods().stream().noneMatch((other) -> other != method && other.isAnnotationPresent("PreDestroy"));
	}

	/** The class whose {@code this} the code at {@code node} sees; empty inside anonymous classes. */
	private static Optional<TypeDeclaration<?>> thisType(Node node) {
		Node current = node.getParentNode().orElse(null);
		while (current != null) {
			if (current instanceof TypeDeclaration<?> type) {
				return Optional.of(type);
			}
			if (Patterns.isAnonymousClass(current)) {
				return Optional.empty();
			}
			current = current.getParentNode().orElse(null);
		}
		return Optional.empty();
	}

}
