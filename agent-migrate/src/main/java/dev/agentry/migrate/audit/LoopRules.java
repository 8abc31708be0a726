package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.stmt.BreakStmt;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SwitchStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import dev.agentry.migrate.syntax.Patterns;

/** Loops that a stop request cannot end: no condition, or a condition on a plain boolean field. */
final class LoopRules implements Rule {

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		for (Statement loop : scope.find(Statement.class)) {
			Optional<Expression> condition = condition(loop);
			if (condition.isEmpty()) {
				continue;
			}
			if (condition.get() instanceof BooleanLiteralExpr literal && literal.getValue() && !hasExit(loop)) {
				findings.add(scope.finding(Rules.ENDLESS_LOOP, loop,
						"loop on 'true': only an exception or an interrupt ends it"));
			}
			else {
				plainFlag(scope, condition.get()).ifPresent((flag) -> findings.add(scope.finding(
						Rules.NON_VOLATILE_FLAG, loop,
						"loop on '" + flag + "', a boolean field that is not volatile: a stop may never be seen")));
			}
		}
		return findings;
	}

	/**
	 * Whether the loop's own body can leave it: a {@code return}, or a {@code break} aimed at it
	 * (a labelled break counts; a plain one inside a nested loop or switch does not). Such
	 * a {@code while (true)} is a drain or retry loop, not an endless one.
	 */
	private static boolean hasExit(Statement loop) {
		return loop.findAll(ReturnStmt.class).stream().anyMatch((exit) -> leaves(exit, loop, true))
				|| loop.findAll(BreakStmt.class)
					.stream()
					.anyMatch((exit) -> exit.getLabel().isPresent() || leaves(exit, loop, false));
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
