package dev.agentry.migrate.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.Name;
import com.github.javaparser.ast.expr.SimpleName;

/**
 * The second pass, on the edited lines, through JavaParser's LexicalPreservingPrinter (which
 * reprints only the nodes touched, and does these two edits cleanly): the clean-up methods get
 * {@code @PreDestroy} with its import, and {@code Signal}/{@code SignalHandler} imports that
 * nothing uses any more go.
 */
final class PreDestroyAnnotation {

	static final String IMPORT = "jakarta.annotation.PreDestroy";

	private static final Set<String> SIGNAL_IMPORTS = Set.of("sun.misc.Signal", "sun.misc.SignalHandler",
			"jdk.internal.misc.Signal");

	private PreDestroyAnnotation() {
	}

	static void annotate(CompilationUnit unit, List<Plan.MethodRef> methods) {
		for (Plan.MethodRef ref : methods) {
			for (TypeDeclaration<?> type : unit.findAll(TypeDeclaration.class)) {
				if (!type.getNameAsString().equals(ref.className())) {
					continue;
				}
				type.getMethodsByName(ref.methodName())
					.stream()
					.filter((method) -> method.getParameters().isEmpty())
					.filter((method) -> !method.isAnnotationPresent("PreDestroy"))
					.forEach((method) -> method.addMarkerAnnotation("PreDestroy"));
			}
		}
		boolean imported = unit.getImports()
			.stream()
			.anyMatch((declaration) -> declaration.getNameAsString().endsWith(".PreDestroy"));
		if (!methods.isEmpty() && !imported) {
			unit.addImport(IMPORT);
		}
	}

	static void removeUnusedSignalImports(CompilationUnit unit) {
		for (ImportDeclaration declaration : new ArrayList<>(unit.getImports())) {
			String name = declaration.getNameAsString();
			if (SIGNAL_IMPORTS.contains(name) && !declaration.isAsterisk() && !declaration.isStatic()
					&& !isUsed(unit, name.substring(name.lastIndexOf('.') + 1))) {
				declaration.remove();
			}
		}
	}

	private static boolean isUsed(CompilationUnit unit, String simpleName) {
		boolean simple = unit.findAll(SimpleName.class)
			.stream()
			.anyMatch((name) -> name.asString().equals(simpleName) && name.findAncestor(ImportDeclaration.class).isEmpty());
		return simple || unit.findAll(Name.class)
			.stream()
			.anyMatch((name) -> name.getIdentifier().equals(simpleName)
					&& name.findAncestor(ImportDeclaration.class).isEmpty());
	}

}
