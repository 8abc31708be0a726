package dev.agentry.migrate.syntax;

import java.util.Optional;
import java.util.Set;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.TryStmt;

/**
 * Where a {@code setLinger} call can go right after a socket's creation: after the statement
 * that declares or assigns it, or first in the try block whose resource it is. A socket created
 * in a field initializer or passed on directly has no such place.
 */
public final class LingerPlacement {

	/**
	 * @param block the block to insert into
	 * @param index the index the new statement takes
	 * @param target the expression naming the socket, as written ({@code socket}, {@code this.socket})
	 */
	public record Site(BlockStmt block, int index, String target) {
	}

	private LingerPlacement() {
	}

	/** Whether {@code setLinger} is called on the socket where it counts: the class for a field, the code around a variable. */
	public static boolean hasLinger(TypeDeclaration<?> type, Expression creation, String name) {
		Node parent = creation.getParentNode().orElse(null);
		boolean local = parent instanceof VariableDeclarator declarator
				&& !(declarator.getParentNode().orElse(null) instanceof FieldDeclaration);
		Node scope = local ? Patterns.enclosingBody(creation).orElse(type) : type;
		return Patterns.hasCallOn(scope, name, Set.of("setLinger"));
	}

	/** {@code ctx.createSocket(...)}: a ZContext socket, whose linger is the context's (0 unless set). */
	public static boolean isZContextSocket(Expression creation) {
		return creation instanceof MethodCallExpr call && call.getNameAsString().equals("createSocket");
	}

	/**
	 * Whether the application sets a linger on the context the socket comes from
	 * ({@code ctx.setLinger(...)} anywhere in the file): its sockets then take that one, and no
	 * rewrite may override it.
	 */
	public static boolean contextLinger(Expression creation) {
		Optional<Expression> context = (creation instanceof MethodCallExpr call) ? call.getScope()
				: (creation instanceof ObjectCreationExpr construction && !construction.getArguments().isEmpty())
						? Optional.of(construction.getArgument(0)) : Optional.empty();
		Optional<String> name = context.flatMap(Patterns::simpleTarget);
		Optional<CompilationUnit> unit = creation.findCompilationUnit();
		return name.isPresent() && unit.isPresent() && Patterns.hasCallOn(unit.get(), name.get(), Set.of("setLinger"));
	}

	public static Optional<Site> of(MethodCallExpr creation) {
		Node parent = creation.getParentNode().orElse(null);
		if (parent instanceof VariableDeclarator declarator
				&& declarator.getParentNode().orElse(null) instanceof VariableDeclarationExpr declaration) {
			Node holder = declaration.getParentNode().orElse(null);
			if (holder instanceof TryStmt tryStmt) {
				return Optional.of(new Site(tryStmt.getTryBlock(), 0, declarator.getNameAsString()));
			}
			return after(holder, declarator.getNameAsString());
		}
		if (parent instanceof AssignExpr assign && assign.getValue() == creation
				&& Patterns.simpleTarget(assign.getTarget()).isPresent()) {
			return after(assign.getParentNode().orElse(null), assign.getTarget().toString());
		}
		return Optional.empty();
	}

	private static Optional<Site> after(Node statement, String target) {
		if (statement instanceof ExpressionStmt expression
				&& expression.getParentNode().orElse(null) instanceof BlockStmt block) {
			// NodeList.indexOf compares by equals, which is structural: look for this very statement.
			for (int i = 0; i < block.getStatements().size(); i++) {
				if (block.getStatement(i) == expression) {
					return Optional.of(new Site(block, i + 1, target));
				}
			}
		}
		return Optional.empty();
	}

}
