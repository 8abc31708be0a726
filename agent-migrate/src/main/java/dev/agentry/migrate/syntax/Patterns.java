package dev.agentry.migrate.syntax;

import java.util.Optional;
import java.util.Set;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.SuperExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.BreakStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.ThrowStmt;
import com.github.javaparser.ast.stmt.TryStmt;
import com.github.javaparser.ast.stmt.WhileStmt;

/**
 * Syntax-only recognisers shared by the rules and the rewrites. No symbol solving: names are
 * matched as written, which is what legacy agents do in practice (and keeps the tool fast and
 * free of a classpath).
 */
public final class Patterns {

	/** Method names whose call, on a resource, releases it in a lifecycle method. */
	public static final Set<String> CONTEXT_CLOSE = Set.of("close", "term", "destroy", "shutdown");

	private Patterns() {
	}

	/** {@code ctx.createSocket(...)} (ZContext) or {@code context.socket(SocketType.X | ZMQ.X)} (ZMQ.Context). */
	public static boolean isSocketCreation(MethodCallExpr call) {
		if (call.getNameAsString().equals("createSocket") && call.getArguments().size() == 1) {
			return true;
		}
		if (call.getNameAsString().equals("socket") && call.getArguments().size() == 1 && call.getScope().isPresent()) {
			String argument = call.getArgument(0).toString();
			return argument.startsWith("SocketType.") || argument.startsWith("ZMQ.");
		}
		return false;
	}

	/** {@code new ZContext(...)}, {@code ZMQ.context(n)} or {@code new ZMQ.Context(...)}. */
	public static boolean isContextCreation(Expression expression) {
		if (expression instanceof ObjectCreationExpr creation) {
			String type = creation.getType().toString();
			return type.equals("ZContext") || type.equals("org.zeromq.ZContext") || type.equals("ZMQ.Context");
		}
		if (expression instanceof MethodCallExpr call) {
			return call.getNameAsString().equals("context") && call.getScope().map(Object::toString)
				.filter((scope) -> scope.equals("ZMQ") || scope.equals("org.zeromq.ZMQ"))
				.isPresent();
		}
		return false;
	}

	/**
	 * {@code new Thread(...)}, {@code Thread.startVirtualThread(...)} or a thread builder's
	 * {@code start/unstarted(...)} ({@code Thread.ofVirtual()}, {@code Thread.ofPlatform()}).
	 */
	public static boolean isThreadCreation(Expression expression) {
		if (expression instanceof ObjectCreationExpr creation) {
			return creation.getType().getNameAsString().equals("Thread");
		}
		if (expression instanceof MethodCallExpr call && call.getArguments().size() == 1) {
			String scope = call.getScope().map(Object::toString).orElse("");
			return (call.getNameAsString().equals("startVirtualThread") && scope.equals("Thread"))
					|| ((call.getNameAsString().equals("start") || call.getNameAsString().equals("unstarted"))
							&& (scope.startsWith("Thread.ofVirtual()") || scope.startsWith("Thread.ofPlatform()")));
		}
		return false;
	}

	/** {@code ZThread.start(...)} / {@code ZThread.fork(...)}: a thread that nothing joins unless the code does. */
	public static boolean isZThreadStart(MethodCallExpr call) {
		return (call.getNameAsString().equals("start") || call.getNameAsString().equals("fork"))
				&& call.getScope().map(Object::toString).filter((scope) -> scope.endsWith("ZThread")).isPresent();
	}

	/** {@code CompletableFuture.runAsync/supplyAsync(task)} without an executor: the common pool runs it. */
	public static boolean isCommonPoolTask(MethodCallExpr call) {
		return (call.getNameAsString().equals("runAsync") || call.getNameAsString().equals("supplyAsync"))
				&& call.getArguments().size() == 1
				&& call.getScope().map(Object::toString).filter((scope) -> scope.endsWith("CompletableFuture")).isPresent();
	}

	/** {@link #simpleTarget}, plus {@code this} and {@code super} as {@code "this"} (a socket subclass's own calls). */
	public static Optional<String> socketTarget(Expression expression) {
		if (expression instanceof ThisExpr || expression instanceof SuperExpr) {
			return Optional.of("this");
		}
		return simpleTarget(expression);
	}

	/**
	 * Whether a loop condition lets only an interrupt end the loop: {@code true} (or an empty
	 * {@code for} condition, which the caller passes as {@code true}) and
	 * {@code !Thread.currentThread().isInterrupted()} / {@code !isInterrupted()} /
	 * {@code !Thread.interrupted()}.
	 */
	public static boolean isInterruptOnly(Expression condition) {
		if (condition instanceof BooleanLiteralExpr literal) {
			return literal.getValue();
		}
		return condition instanceof UnaryExpr not && not.getOperator() == UnaryExpr.Operator.LOGICAL_COMPLEMENT
				&& not.getExpression() instanceof MethodCallExpr call && isInterruptTest(call);
	}

	/** {@code isInterrupted()} on any thread, or {@code Thread.interrupted()}. */
	public static boolean isInterruptTest(MethodCallExpr call) {
		return call.getNameAsString().equals("isInterrupted") || (call.getNameAsString().equals("interrupted")
				&& call.getScope().map(Object::toString).filter((scope) -> scope.equals("Thread")).isPresent());
	}

	/** {@code Executors.newXxx(...)}. */
	public static boolean isExecutorCreation(Expression expression) {
		return expression instanceof MethodCallExpr call && call.getNameAsString().startsWith("new")
				&& call.getScope().map(Object::toString).filter((scope) -> scope.endsWith("Executors")).isPresent();
	}

	/** {@code x} for {@code x} or {@code this.x}; empty for anything else. */
	public static Optional<String> simpleTarget(Expression expression) {
		if (expression instanceof NameExpr name) {
			return Optional.of(name.getNameAsString());
		}
		if (expression instanceof FieldAccessExpr access && access.getScope() instanceof ThisExpr) {
			return Optional.of(access.getNameAsString());
		}
		return Optional.empty();
	}

	/** The variable or field a created value is stored in: {@code T x = <e>} or {@code x = <e>}. */
	public static Optional<String> assignedName(Expression created) {
		Node parent = created.getParentNode().orElse(null);
		if (parent instanceof VariableDeclarator declarator) {
			return Optional.of(declarator.getNameAsString());
		}
		if (parent instanceof AssignExpr assign && assign.getValue() == created) {
			return simpleTarget(assign.getTarget());
		}
		return Optional.empty();
	}

	/** Whether the value is declared as a try-with-resources resource (closed by the try). */
	public static boolean isTryResource(Expression created) {
		return created.getParentNode()
			.flatMap(Node::getParentNode)
			.filter(VariableDeclarationExpr.class::isInstance)
			.flatMap(Node::getParentNode)
			.filter((node) -> node instanceof TryStmt)
			.isPresent();
	}

	/** Whether the value is returned (a factory or @Bean method: the caller owns it). */
	public static boolean isReturned(Expression created) {
		Node parent = created.getParentNode().orElse(null);
		// an expression lambda's body is an ExpressionStmt: (r) -> new Thread(r)
		boolean lambdaResult = parent instanceof ExpressionStmt statement
				&& statement.getParentNode().orElse(null) instanceof LambdaExpr;
		return parent instanceof ReturnStmt || parent instanceof LambdaExpr || lambdaResult;
	}

	/** Whether {@code call} is {@code target.m(...)} or {@code this.target.m(...)} with m in {@code names}. */
	public static boolean isCallOn(MethodCallExpr call, String target, Set<String> names) {
		return names.contains(call.getNameAsString())
				&& call.getScope().flatMap(Patterns::simpleTarget).filter(target::equals).isPresent();
	}

	/** Whether any call below {@code root} is {@code target.m(...)} with m in {@code names}. */
	public static boolean hasCallOn(Node root, String target, Set<String> names) {
		return root.findAll(MethodCallExpr.class).stream().anyMatch((call) -> isCallOn(call, target, names));
	}

	/** The nearest method, constructor, initializer or lambda around {@code node}: its code's own body. */
	public static Optional<Node> enclosingBody(Node node) {
		Node current = node.getParentNode().orElse(null);
		while (current != null) {
			if (current instanceof CallableDeclaration<?> || current instanceof LambdaExpr
					|| current instanceof InitializerDeclaration || current instanceof TypeDeclaration<?>) {
				return Optional.of(current);
			}
			current = current.getParentNode().orElse(null);
		}
		return Optional.empty();
	}

	/** Whether {@code node} runs inside {@code static void main(String[])} itself (not in a lambda there). */
	public static boolean isDirectlyInMain(Node node) {
		return enclosingBody(node).filter(MethodDeclaration.class::isInstance)
			.map(MethodDeclaration.class::cast)
			.filter((method) -> method.getNameAsString().equals("main") && method.isStatic()
					&& method.getParameters().size() == 1)
			.isPresent();
	}

	/** Whether a loop surrounds {@code node} within its own body (method, lambda, ...). */
	public static boolean isInLoop(Node node) {
		Node current = node.getParentNode().orElse(null);
		while (current != null && !(current instanceof CallableDeclaration<?>) && !(current instanceof LambdaExpr)
				&& !(current instanceof TypeDeclaration<?>) && !isAnonymousClass(current)) {
			if (current instanceof WhileStmt || current instanceof DoStmt || current instanceof ForStmt
					|| current instanceof ForEachStmt) {
				return true;
			}
			current = current.getParentNode().orElse(null);
		}
		return false;
	}

	public static boolean isAnonymousClass(Node node) {
		return node instanceof ObjectCreationExpr creation && creation.getAnonymousClassBody().isPresent();
	}

	/** Whether the catch clause catches {@code InterruptedException} (alone or in a union). */
	public static boolean catchesInterrupt(CatchClause clause) {
		return clause.getParameter().getType().toString().matches("(.*\\|\\s*)?(java\\.lang\\.)?InterruptedException(\\s*\\|.*)?");
	}

	/**
	 * Whether the block restores the interrupt flag or leaves (return, throw, break, exit, or an
	 * assignment to a variable that the condition of a loop around it reads: {@code running = false}).
	 */
	public static boolean restoresOrLeaves(BlockStmt body) {
		boolean interrupts = body.findAll(MethodCallExpr.class)
			.stream()
			.anyMatch((call) -> call.getNameAsString().equals("interrupt") || isExit(call));
		boolean leaves = !body.findAll(ReturnStmt.class).isEmpty()
				|| !body.findAll(ThrowStmt.class).isEmpty()
				|| !body.findAll(BreakStmt.class).isEmpty();
		return interrupts || leaves || clearsLoopFlag(body);
	}

	private static boolean clearsLoopFlag(BlockStmt body) {
		Set<String> flags = new java.util.HashSet<>();
		Node current = body.getParentNode().orElse(null);
		while (current != null && !(current instanceof CallableDeclaration<?>) && !(current instanceof LambdaExpr)) {
			Optional<Expression> condition = (current instanceof WhileStmt loop) ? Optional.of(loop.getCondition())
					: (current instanceof DoStmt loop) ? Optional.of(loop.getCondition())
							: (current instanceof ForStmt loop) ? loop.getCompare() : Optional.empty();
			condition.ifPresent((c) -> c.findAll(Expression.class)
				.forEach((e) -> simpleTarget(e).ifPresent(flags::add)));
			current = current.getParentNode().orElse(null);
		}
		return body.findAll(AssignExpr.class)
			.stream()
			.anyMatch((assign) -> simpleTarget(assign.getTarget()).filter(flags::contains).isPresent());
	}

	/** {@code System.exit(..)}, {@code Runtime.getRuntime().exit(..)} or {@code Runtime.getRuntime().halt(..)}. */
	public static boolean isExit(MethodCallExpr call) {
		String scope = call.getScope().map(Object::toString).orElse("");
		return (call.getNameAsString().equals("exit") && (scope.equals("System") || scope.equals("java.lang.System")))
				|| ((call.getNameAsString().equals("halt") || call.getNameAsString().equals("exit"))
						&& scope.endsWith("Runtime.getRuntime()"));
	}

	/** {@code Signal.handle(...)} of sun.misc or jdk.internal.misc. */
	public static boolean isSignalHandle(MethodCallExpr call) {
		String scope = call.getScope().map(Object::toString).orElse("");
		return call.getNameAsString().equals("handle") && call.getArguments().size() == 2
				&& (scope.equals("Signal") || scope.equals("sun.misc.Signal")
						|| scope.equals("jdk.internal.misc.Signal"));
	}

	/** {@code Runtime.getRuntime().addShutdownHook(...)}. */
	public static boolean isAddShutdownHook(MethodCallExpr call) {
		return call.getNameAsString().equals("addShutdownHook") && call.getArguments().size() == 1;
	}

}
