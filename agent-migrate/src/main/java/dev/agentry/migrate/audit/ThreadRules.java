package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.CatchClause;
import dev.agentry.migrate.syntax.Patterns;

/** Threads and executors that nothing stops, and interrupts that get lost. */
final class ThreadRules implements Rule {

	private static final Set<String> JOIN = Set.of("join");

	private static final Set<String> EXECUTOR_RELEASE = Set.of("shutdown", "shutdownNow", "close", "awaitTermination");

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		for (Expression creation : scope.find(Expression.class)) {
			if (Patterns.isThreadCreation(creation) && !isShutdownHookThread(creation)
					&& !Patterns.isReturned(creation)) {
				Optional<String> name = Patterns.assignedName(creation);
				if (name.isPresent() && isRegisteredAsHook(scope, name.get())) {
					continue;
				}
				if (name.isEmpty() || !scope.releasedInLifecycle(name.get(), JOIN)) {
					findings.add(scope.finding(Rules.UNMANAGED_THREAD, creation,
							"thread " + name.map((n) -> "'" + n + "' ").orElse("")
									+ "is not joined by close/stop/@PreDestroy"));
				}
			}
		}
		for (MethodCallExpr call : scope.find(MethodCallExpr.class)) {
			if (Patterns.isExecutorCreation(call) && !Patterns.isReturned(call) && !Patterns.isTryResource(call)) {
				Optional<String> name = Patterns.assignedName(call);
				if (name.isEmpty() || !scope.releasedInLifecycle(name.get(), EXECUTOR_RELEASE)) {
					findings.add(scope.finding(Rules.UNMANAGED_EXECUTOR, call,
							"executor " + name.map((n) -> "'" + n + "' ").orElse("") + "from "
									+ call.getScope().get() + "." + call.getNameAsString()
									+ " is not shut down by close/stop/@PreDestroy"));
				}
			}
		}
		for (CatchClause clause : scope.find(CatchClause.class)) {
			if (Patterns.catchesInterrupt(clause) && !Patterns.restoresOrLeaves(clause.getBody())) {
				String fix = Patterns.isInLoop(clause)
						? "Inside a loop `migrate` cannot fix this safely (a restored flag would make the next wait "
								+ "throw at once and spin): restore the flag and leave the loop, or use AgentWorker "
								+ "and context.sleep(...)"
						: "`migrate` adds Thread.currentThread().interrupt() to the catch";
				findings.add(scope.finding(Rules.SWALLOWED_INTERRUPT, clause,
						"catch (InterruptedException) neither restores the interrupt flag nor leaves", fix));
			}
		}
		return findings;
	}

	/** {@code Thread hook = new Thread(...); Runtime.getRuntime().addShutdownHook(hook);}: the shutdown-hook rule's. */
	private static boolean isRegisteredAsHook(ClassScope scope, String name) {
		return scope.find(MethodCallExpr.class)
			.stream()
			.anyMatch((call) -> Patterns.isAddShutdownHook(call)
					&& Patterns.simpleTarget(call.getArgument(0)).filter(name::equals).isPresent());
	}

	private static boolean isShutdownHookThread(Expression creation) {
		Node parent = creation.getParentNode().orElse(null);
		return parent instanceof MethodCallExpr call && Patterns.isAddShutdownHook(call);
	}

}
