package dev.agentry.migrate.audit;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.github.javaparser.ast.expr.Expression;
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

	/** Fields that this class fills with something it created (rather than was given). */
	private static Set<String> ownedFields(ClassScope scope) {
		Set<String> owned = new LinkedHashSet<>();
		for (Expression expression : scope.find(Expression.class)) {
			boolean resource = scope.isThreadCreation(expression) || Patterns.isExecutorCreation(expression)
					|| Patterns.isContextCreation(expression) || scope.isSocketCreation(expression);
			if (resource) {
				Patterns.assignedName(expression).filter((name) -> scope.field(name).isPresent()).ifPresent(owned::add);
			}
		}
		return owned;
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
