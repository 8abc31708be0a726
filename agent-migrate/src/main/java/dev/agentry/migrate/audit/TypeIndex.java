package dev.agentry.migrate.audit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.type.ClassOrInterfaceType;

/**
 * The supertypes of every class declared in the audited sources, by simple name, so that a
 * {@code Worker extends Thread} in one file or a {@code HeartbeatChannel extends JupyterSocket
 * extends ZMQ.Socket} across three files is known for what it is. Names are matched as written
 * (no classpath): two audited classes with the same simple name share their supertypes.
 */
public final class TypeIndex {

	private static final Set<String> THREAD = Set.of("Thread", "java.lang.Thread");

	private static final Set<String> SOCKET = Set.of("ZMQ.Socket", "org.zeromq.ZMQ.Socket", "Socket");

	private final Map<String, Set<String>> supertypes = new HashMap<>();

	private TypeIndex() {
	}

	public static TypeIndex of(List<CompilationUnit> units) {
		TypeIndex index = new TypeIndex();
		for (CompilationUnit unit : units) {
			for (ClassOrInterfaceDeclaration type : unit.findAll(ClassOrInterfaceDeclaration.class)) {
				Set<String> names = index.supertypes.computeIfAbsent(type.getNameAsString(), (k) -> new LinkedHashSet<>());
				type.getExtendedTypes().forEach((t) -> names.add(written(t)));
				type.getImplementedTypes().forEach((t) -> names.add(written(t)));
			}
		}
		return index;
	}

	/** {@code ZMQ.Socket} as written, without type arguments. */
	static String written(ClassOrInterfaceType type) {
		return type.getScope().map((scope) -> written(scope) + ".").orElse("") + type.getNameAsString();
	}

	/** Whether the type, as written, is {@code Thread} or an audited subclass of it. */
	public boolean isThread(String type) {
		return reaches(type, THREAD, new HashSet<>());
	}

	/** Whether the type, as written, is {@code ZMQ.Socket} or an audited subclass of it. */
	public boolean isSocket(String type) {
		return reaches(type, SOCKET, new HashSet<>());
	}

	/** Whether the type's audited supertypes reach one of {@code targets}, as written or by simple name. */
	public boolean extendsAny(String type, Set<String> targets) {
		return reaches(type, targets, new HashSet<>());
	}

	private boolean reaches(String type, Set<String> targets, Set<String> seen) {
		if (targets.contains(type)) {
			return true;
		}
		String simple = type.substring(type.lastIndexOf('.') + 1);
		if (!seen.add(simple)) {
			return false;
		}
		return this.supertypes.getOrDefault(simple, Set.of()).stream().anyMatch((s) -> reaches(s, targets, seen));
	}

}
