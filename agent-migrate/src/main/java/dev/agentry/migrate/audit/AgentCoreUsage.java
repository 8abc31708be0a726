package dev.agentry.migrate.audit;

import java.util.Set;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.type.ClassOrInterfaceType;

/**
 * Whether a class already runs on agent-core: it declares {@code @AgentAction} handlers, returns
 * {@code AgentWorker}s or {@code ManagedStream}s, or uses the agent client. agent-core then owns
 * the sockets, threads and stop order.
 */
final class AgentCoreUsage {

	private static final Set<String> TYPES = Set.of("AgentWorker", "WorkerContext", "AgentClient", "AgentClients",
			"ManagedStream", "ActionRequest");

	private AgentCoreUsage() {
	}

	static boolean of(CompilationUnit unit, ClassScope scope) {
		boolean imports = unit.getImports()
			.stream()
			.anyMatch((declaration) -> declaration.getNameAsString().startsWith("dev.agentry.core"));
		if (!imports) {
			return false;
		}
		boolean handlers = scope.find(MethodDeclaration.class)
			.stream()
			.anyMatch((method) -> method.isAnnotationPresent("AgentAction"));
		return handlers || scope.find(ClassOrInterfaceType.class)
			.stream()
			.anyMatch((type) -> TYPES.contains(type.getNameAsString()));
	}

}
