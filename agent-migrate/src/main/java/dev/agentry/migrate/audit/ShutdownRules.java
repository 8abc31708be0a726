package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;

import com.github.javaparser.ast.expr.MethodCallExpr;
import dev.agentry.migrate.syntax.CleanUpHandlers;
import dev.agentry.migrate.syntax.Patterns;

/** Hand-written shutdown: hooks, signal handlers, exits outside main. */
final class ShutdownRules implements Rule {

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		for (MethodCallExpr call : scope.find(MethodCallExpr.class)) {
			if (Patterns.isAddShutdownHook(call)) {
				String fix = CleanUpHandlers.shutdownHook(call)
					.map((removal) -> "`migrate` moves it: @PreDestroy on " + removal.cleanUp().get().getNameAsString()
							+ "(), hook removed")
					.orElse("Move the clean-up into a @PreDestroy method of a bean (or let agent-core own the "
							+ "resource) and remove the hook; `migrate` only does this for a hook that calls one "
							+ "clean-up method of its own object");
				findings.add(scope.finding(Rules.SHUTDOWN_HOOK, call,
						"Runtime.addShutdownHook: clean-up on its own thread, racing Spring's ordered shutdown", fix));
			}
			else if (Patterns.isSignalHandle(call)) {
				String fix = CleanUpHandlers.signalHandler(call)
					.map((removal) -> "`migrate` removes it" + removal.cleanUp()
						.map((method) -> " and puts @PreDestroy on " + method.getNameAsString() + "()")
						.orElse(""))
					.orElse("Remove it by hand: move what it does into a @PreDestroy method, or into an "
							+ "@AgentAction the operator calls instead of sending this signal");
				findings.add(scope.finding(Rules.SIGNAL_HANDLER, call,
						"Signal.handle(" + call.getArgument(0) + ", ...) replaces the JVM's signal handling", fix));
			}
			else if (Patterns.isExit(call) && !Patterns.isDirectlyInMain(call)) {
				findings.add(scope.finding(Rules.EXIT_OUTSIDE_MAIN, call,
						call.getScope().get() + "." + call.getNameAsString()
								+ "(...) outside main ends the JVM without draining"));
			}
		}
		return findings;
	}

}
