package dev.agentry.migrate.syntax;

import java.util.Optional;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.TryStmt;

/**
 * Where restoring the interrupt flag in a swallowing {@code catch (InterruptedException)} is
 * safe. On JeroMQ 0.6.0 a socket call made with the flag set fails (ZMQException EINTR) and its
 * message is lost, so in a file that uses JeroMQ the flag is restored only where no call can
 * follow on that path: in a thread's entry point ({@code run()}, {@code main}, a lambda), with
 * no method call after the try. A method that others call is never rewritten there: its caller
 * may go on to use a socket.
 */
public final class InterruptRestore {

	private InterruptRestore() {
	}

	/** Whether {@code migrate} may add {@code Thread.currentThread().interrupt()} to this swallowing catch. */
	public static boolean isSafe(CatchClause clause) {
		if (!Patterns.catchesInterrupt(clause) || Patterns.restoresOrLeaves(clause.getBody())
				|| Patterns.isInLoop(clause) || endsThread(clause)) {
			return false;
		}
		if (!usesJeroMq(clause)) {
			return true;
		}
		return threadEntry(clause).isPresent() && !callFollows(clause);
	}

	/**
	 * Whether the try is the last thing its thread does (the last statement of {@code run()},
	 * {@code main} or a lambda, no loop around): the thread ends right after, so the swallowed
	 * interrupt is not lost to anyone.
	 */
	public static boolean endsThread(CatchClause clause) {
		return !Patterns.isInLoop(clause) && threadEntry(clause).isPresent() && nothingFollows(clause);
	}

	private static Optional<Node> threadEntry(CatchClause clause) {
		return Patterns.enclosingBody(clause).filter((body) -> body instanceof LambdaExpr
				|| (body instanceof MethodDeclaration method && method.getParameters().isEmpty()
						&& method.getNameAsString().equals("run"))
				|| (body instanceof MethodDeclaration method && method.getNameAsString().equals("main")
						&& method.isStatic()));
	}

	private static boolean nothingFollows(CatchClause clause) {
		return followingStatements(clause).findAny().isEmpty();
	}

	private static boolean callFollows(CatchClause clause) {
		return followingStatements(clause).anyMatch((statement) -> !statement.findAll(MethodCallExpr.class).isEmpty());
	}

	/** The statements after the try, in every block up to the enclosing body. */
	private static java.util.stream.Stream<Statement> followingStatements(CatchClause clause) {
		java.util.List<Statement> following = new java.util.ArrayList<>();
		Node body = Patterns.enclosingBody(clause).orElse(null);
		Node current = clause.findAncestor(TryStmt.class).map(Node.class::cast).orElse(clause);
		while (current != null && current != body) {
			Node parent = current.getParentNode().orElse(null);
			if (parent instanceof BlockStmt block) {
				boolean after = false;
				for (Statement statement : block.getStatements()) {
					if (after) {
						following.add(statement);
					}
					after = after || statement == current;
				}
			}
			current = parent;
		}
		return following.stream();
	}

	private static boolean usesJeroMq(Node node) {
		return node.findCompilationUnit()
			.map(CompilationUnit::getImports)
			.filter((imports) -> imports.stream()
				.anyMatch((declaration) -> declaration.getNameAsString().startsWith("org.zeromq")
						|| declaration.getNameAsString().startsWith("zmq.")))
			.isPresent();
	}

}
