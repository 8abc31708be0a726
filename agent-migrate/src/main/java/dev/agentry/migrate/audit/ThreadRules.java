package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.CatchClause;
import dev.agentry.migrate.syntax.InterruptRestore;
import dev.agentry.migrate.syntax.Patterns;

/** Threads and executors that nothing stops, and interrupts that get lost. */
final class ThreadRules implements Rule {

	private static final Set<String> JOIN = Set.of("join");

	private static final Set<String> EXECUTOR_RELEASE = Set.of("shutdown", "shutdownNow", "close", "awaitTermination");

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		for (Expression creation : scope.find(Expression.class)) {
			if (scope.isThreadCreation(creation) && !isShutdownHookThread(creation) && !Patterns.isReturned(creation)) {
				Optional<String> name = Patterns.assignedName(creation);
				if (name.isPresent() && isRegisteredAsHook(scope, name.get())) {
					continue;
				}
				// a join anywhere counts: main joining its workers stops them as well as a close() would
				Optional<String> held = heldIn(creation);
				boolean joined = name.isPresent() ? Patterns.hasCallOn(scope.file(), name.get(), JOIN)
						: held.isPresent() && joinedThrough(scope, held.get());
				if (!joined) {
					findings.add(scope.finding(Rules.UNMANAGED_THREAD, creation,
							"thread " + name.map((n) -> "'" + n + "' ").orElse("") + "from " + describe(creation)
									+ " is never joined"));
				}
			}
			else if (creation instanceof MethodCallExpr call && Patterns.isCommonPoolTask(call) && scope.fileUsesSockets()) {
				findings.add(scope.finding(Rules.UNMANAGED_THREAD, call, "CompletableFuture." + call.getNameAsString()
						+ " runs on the common pool, which nothing stops or waits for"));
			}
		}
		for (MethodCallExpr call : scope.find(MethodCallExpr.class)) {
			if (Patterns.isExecutorCreation(call) && !Patterns.isReturned(call) && !Patterns.isTryResource(call)) {
				Optional<String> name = Patterns.assignedName(call);
				if (name.isEmpty() || !Patterns.hasCallOn(scope.file(), name.get(), EXECUTOR_RELEASE)) {
					findings.add(scope.finding(Rules.UNMANAGED_EXECUTOR, call,
							"executor " + name.map((n) -> "'" + n + "' ").orElse("") + "from "
									+ call.getScope().get() + "." + call.getNameAsString() + " is never shut down"));
				}
			}
		}
		for (CatchClause clause : scope.find(CatchClause.class)) {
			if (Patterns.catchesInterrupt(clause) && !Patterns.restoresOrLeaves(clause.getBody())
					&& !InterruptRestore.endsThread(clause)) {
				String fix = InterruptRestore.isSafe(clause)
						? "`migrate` adds Thread.currentThread().interrupt() to the catch"
						: Patterns.isInLoop(clause)
								? "Inside a loop `migrate` cannot fix this safely (a restored flag would make the next "
										+ "wait throw at once and spin, and the next JeroMQ call fail): restore the flag "
										+ "and leave the loop, or use AgentWorker and context.sleep(...)"
								: "Restore the flag and leave; `migrate` does not, because a socket call may follow "
										+ "(on JeroMQ a set interrupt flag makes it fail and the message is lost)";
				findings.add(scope.finding(Rules.SWALLOWED_INTERRUPT, clause,
						"catch (InterruptedException) neither restores the interrupt flag nor leaves", fix));
			}
		}
		return findings;
	}

	/** {@code holder.thread = new Thread(...)}: the field access it is stored in, as written. */
	private static Optional<String> heldIn(Expression creation) {
		return creation.getParentNode()
			.filter(AssignExpr.class::isInstance)
			.map(AssignExpr.class::cast)
			.filter((assign) -> assign.getValue() == creation && assign.getTarget() instanceof FieldAccessExpr)
			.map((assign) -> withoutThis(assign.getTarget().toString()));
	}

	/** {@code holder.thread.join()} anywhere in the file. */
	private static boolean joinedThrough(ClassScope scope, String target) {
		return scope.file()
			.findAll(MethodCallExpr.class)
			.stream()
			.anyMatch((call) -> JOIN.contains(call.getNameAsString())
					&& call.getScope().map((on) -> withoutThis(on.toString())).filter(target::equals).isPresent());
	}

	private static String withoutThis(String text) {
		return text.startsWith("this.") ? text.substring("this.".length()) : text;
	}

	private static String describe(Expression creation) {
		String text = creation.toString();
		int end = text.indexOf('(');
		return (end < 0) ? text : text.substring(0, end) + "(...)";
	}

	/** {@code Thread hook = new Thread(...); Runtime.getRuntime().addShutdownHook(hook);}: the shutdown-hook rule's. */
	private static boolean isRegisteredAsHook(ClassScope scope, String name) {
		return scope.find(MethodCallExpr.class)
			.stream()
			.anyMatch((call) -> Patterns.isAddShutdownHook(call)
					&& Patterns.simpleTarget(call.getArgument(0)).filter(name::equals).isPresent());
	}

	private static boolean isShutdownHookThread(Node creation) {
		Node parent = creation.getParentNode().orElse(null);
		return parent instanceof MethodCallExpr call && Patterns.isAddShutdownHook(call);
	}

}
