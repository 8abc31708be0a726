package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.stmt.BreakStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SwitchStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import dev.agentry.migrate.syntax.Patterns;

/** Loops that a stop request cannot end: only an interrupt ends them, or their flag is a plain boolean field. */
final class LoopRules implements Rule {

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		for (Statement loop : scope.find(Statement.class)) {
			Optional<Expression> condition = condition(loop);
			if (condition.isEmpty()) {
				continue;
			}
			if (Patterns.isInterruptOnly(condition.get()) && !hasExit(scope, loop)) {
				findings.add(scope.finding(Rules.ENDLESS_LOOP, loop, "loop on '" + condition.get()
						+ "': only an interrupt or an exception ends it"));
			}
			else {
				plainFlag(scope, condition.get()).filter((flag) -> writtenElsewhere(scope, flag, loop)).ifPresent((flag) -> findings.add(scope.finding(
						Rules.NON_VOLATILE_FLAG, loop,
						"loop on '" + flag + "', a boolean field that is not volatile: a stop may never be seen")));
			}
		}
		return findings;
	}

	/**
	 * Whether the loop's own body can leave it in normal flow: a {@code return}, or a
	 * {@code break} aimed at it (a labelled break counts; a plain one inside a nested loop or
	 * switch does not), that is not reached only through an interrupt (see
	 * {@link #onlyOnInterrupt}). Such a loop is a drain or retry loop, not an endless one.
	 */
	private static boolean hasExit(ClassScope scope, Statement loop) {
		// a null message means an interrupt only from a blocking receive without a receive timeout
		boolean timeouts = scope.file().findAll(MethodCallExpr.class)
			.stream()
			.anyMatch((call) -> call.getNameAsString().equals("setReceiveTimeOut")
					|| call.getNameAsString().equals("setRcvTimeO"))
				|| !loop.findAll(MethodCallExpr.class).stream().allMatch(LoopRules::blockingIfReceive);
		return loop.findAll(ReturnStmt.class)
			.stream()
			.anyMatch((exit) -> leaves(exit, loop, true) && !onlyOnInterrupt(exit, loop, timeouts))
				|| loop.findAll(BreakStmt.class)
					.stream()
					.anyMatch((exit) -> (exit.getLabel().isPresent() || leaves(exit, loop, false))
							&& !onlyOnInterrupt(exit, loop, timeouts));
	}

	/**
	 * Whether only an interrupt (or the context's termination) reaches the jump: it sits in a
	 * catch, or behind a test of the interrupt flag, of a failed send ({@code !s.send(...)}), of
	 * a poll's -1, or of a null message (a blocking receive returns null only when interrupted;
	 * with a receive timeout set in the file a null may be a timeout, so that one counts as an exit).
	 */
	private static boolean onlyOnInterrupt(Node jump, Statement loop, boolean timeouts) {
		Node current = jump.getParentNode().orElse(null);
		while (current != null && current != loop) {
			if (current instanceof CatchClause) {
				return true;
			}
			if (current instanceof IfStmt test && (test.getThenStmt() == jump || test.getThenStmt().isAncestorOf(jump))
					&& isInterruptTest(test.getCondition(), timeouts)) {
				return true;
			}
			current = current.getParentNode().orElse(null);
		}
		return false;
	}

	/** True for anything but a receive that does not wait ({@code recv(ZMQ.DONTWAIT)}, {@code recvMsg(s, false)}). */
	private static boolean blockingIfReceive(MethodCallExpr call) {
		String name = call.getNameAsString();
		if (name.equals("recv") || name.equals("recvStr")) {
			return call.getArguments().isEmpty() || call.getArgument(0).toString().equals("0");
		}
		return !(name.equals("recvMsg") || name.equals("recvFrame")) || call.getArguments().size() == 1;
	}

	private static boolean isInterruptTest(Expression condition, boolean timeouts) {
		boolean flag = condition.findAll(MethodCallExpr.class).stream().anyMatch(Patterns::isInterruptTest);
		boolean failedSend = condition instanceof UnaryExpr not && not.getOperator() == UnaryExpr.Operator.LOGICAL_COMPLEMENT
				&& not.getExpression() instanceof MethodCallExpr call && call.getNameAsString().startsWith("send");
		boolean nullMessage = !timeouts && condition instanceof BinaryExpr binary
				&& binary.getOperator() == BinaryExpr.Operator.EQUALS
				&& (binary.getLeft() instanceof NullLiteralExpr || binary.getRight() instanceof NullLiteralExpr);
		boolean pollFailed = condition instanceof BinaryExpr binary && binary.getOperator() == BinaryExpr.Operator.EQUALS
				&& binary.toString().contains("poll(") && binary.toString().contains("-1");
		return flag || failedSend || nullMessage || pollFailed;
	}

	/** Whether the jump leaves {@code loop}: no lambda or class in between, and for a break no inner loop or switch. */
	private static boolean leaves(Node jump, Statement loop, boolean returns) {
		Node current = jump.getParentNode().orElse(null);
		while (current != null && current != loop) {
			boolean inner = current instanceof WhileStmt || current instanceof DoStmt || current instanceof ForStmt
					|| current instanceof ForEachStmt || current instanceof SwitchStmt;
			if (current instanceof LambdaExpr || current instanceof BodyDeclaration<?>
					|| (!returns && inner)) {
				return false;
			}
			current = current.getParentNode().orElse(null);
		}
		return current == loop;
	}

	/** The loop's condition; {@code true} for {@code for (;;)}; empty for anything that is not such a loop. */
	private static Optional<Expression> condition(Statement statement) {
		if (statement instanceof WhileStmt loop) {
			return Optional.of(loop.getCondition());
		}
		if (statement instanceof DoStmt loop) {
			return Optional.of(loop.getCondition());
		}
		if (statement instanceof ForStmt loop) {
			return Optional.of(loop.getCompare().orElseGet(() -> new BooleanLiteralExpr(true)));
		}
		return Optional.empty();
	}

	private static Optional<String> plainFlag(ClassScope scope, Expression condition) {
		List<Node> names = new ArrayList<>(condition.findAll(NameExpr.class));
		names.addAll(condition.findAll(FieldAccessExpr.class));
		for (Node node : names) {
			Optional<String> name = Patterns.simpleTarget((Expression) node);
			Optional<FieldDeclaration> field = name.flatMap(scope::field);
			if (field.isPresent() && isPlainBoolean(field.get(), name.get())) {
				return name;
			}
		}
		return Optional.empty();
	}

	/**
	 * Whether the flag is written outside the loop's own method or lambda, i.e. possibly by
	 * another thread, whose write the loop may never see; or not written at all (nothing can stop
	 * the loop). A flag that only the looping code itself sets and clears has no visibility problem
	 * for that loop.
	 */
	private static boolean writtenElsewhere(ClassScope scope, String flag, Statement loop) {
		Optional<Node> own = Patterns.enclosingBody(loop);
		Optional<Node> declaring = scope.field(flag).flatMap(Node::getParentNode);
		List<AssignExpr> writes = scope.file()
			.findAll(AssignExpr.class)
			.stream()
			.filter((assign) -> writesField(assign.getTarget(), flag, declaring.orElse(null)))
			.toList();
		// identity, not equals(): JavaParser's equals compares structure
		return writes.isEmpty() || own.isEmpty()
				|| writes.stream().anyMatch((write) -> Patterns.enclosingBody(write).orElse(null) != own.get());
	}

	/**
	 * Whether the assignment's target is this field: {@code holder.flag} anywhere (counted, to be
	 * safe), or {@code flag} / {@code this.flag} where the nearest type declaring a field of that
	 * name is the field's own (a nested class's field of the same name is another field).
	 */
	private static boolean writesField(Expression target, String flag, Node declaring) {
		if (target instanceof FieldAccessExpr access && !(access.getScope() instanceof ThisExpr)) {
			return access.getNameAsString().equals(flag);
		}
		if (Patterns.simpleTarget(target).filter(flag::equals).isEmpty()) {
			return false;
		}
		Node current = target.getParentNode().orElse(null);
		while (current != null) {
			if (current instanceof TypeDeclaration<?> type && type.getFieldByName(flag).isPresent()) {
				return current == declaring;
			}
			current = current.getParentNode().orElse(null);
		}
		return false;
	}

	private static boolean isPlainBoolean(FieldDeclaration field, String name) {
		if (field.isVolatile() || field.isFinal()) {
			return false;
		}
		return field.getVariables()
			.stream()
			.filter((variable) -> variable.getNameAsString().equals(name))
			.anyMatch((variable) -> variable.getTypeAsString().equals("boolean")
					|| variable.getTypeAsString().equals("Boolean"));
	}

}
