package dev.agentry.migrate.audit;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.ReturnStmt;
import dev.agentry.migrate.syntax.Patterns;

/** A class that creates and keeps threads, executors, contexts or sockets but can never be told to stop. */
final class LifecycleRule implements Rule {

	private static final Set<String> LIFECYCLE_TYPES = Set.of("DisposableBean", "SmartLifecycle", "Lifecycle");

	@Override
	public List<Finding> check(ClassScope scope) {
		Set<String> owned = ownedFields(scope);
		if (owned.isEmpty() || hasLifecycle(scope)) {
			return List.of();
		}
		return List.of(scope.finding(Rules.MISSING_LIFECYCLE, scope.type().getName(),
				"owns " + String.join(", ", owned) + " but has no close()/stop()/destroy(), @PreDestroy, DisposableBean or SmartLifecycle"));
	}

	/**
	 * Fields that this class fills with something it created (rather than was given) and keeps: a
	 * field it hands back to its caller ({@code return monitor;}, or in a collection such as
	 * {@code return List.of(monitor);}) belongs to the caller, who closes it (a factory, or a
	 * ZActor's createSockets).
	 */
	private static Set<String> ownedFields(ClassScope scope) {
		Set<String> owned = new LinkedHashSet<>();
		for (Expression expression : scope.find(Expression.class)) {
			boolean resource = scope.isThreadCreation(expression) || Patterns.isExecutorCreation(expression)
					|| Patterns.isContextCreation(expression) || scope.isSocketCreation(expression);
			if (resource) {
				Patterns.assignedName(expression)
					.filter((name) -> scope.field(name).isPresent() && !handedBack(scope, name))
					.ifPresent(owned::add);
			}
		}
		return owned;
	}

	private static boolean handedBack(ClassScope scope, String field) {
		return scope.find(ReturnStmt.class)
			.stream()
			.flatMap((ret) -> ret.getExpression().stream())
			.anyMatch((value) -> Patterns.simpleTarget(value).filter(field::equals).isPresent()
					|| (value instanceof MethodCallExpr call && call.getArguments()
						.stream()
						.anyMatch((argument) -> Patterns.simpleTarget(argument).filter(field::equals).isPresent())));
	}

	private static boolean hasLifecycle(ClassScope scope) {
		// destroy(), stop(), shutdown()... count as the README says, not only close()
		boolean close = scope.methods()
			.stream()
			.anyMatch((method) -> (ClassScope.LIFECYCLE_NAMES.contains(method.getNameAsString())
					&& method.getParameters().isEmpty()) || method.isAnnotationPresent("PreDestroy"));
		return close || scope.supertypes().stream().anyMatch(LIFECYCLE_TYPES::contains);
	}

}
