package dev.agentry.migrate.audit;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.ThisExpr;
import com.github.javaparser.ast.nodeTypes.NodeWithImplements;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.Type;
import dev.agentry.migrate.syntax.Patterns;

/**
 * One class as the rules see it: the nodes that belong to it (lambdas and anonymous classes
 * belong to the class around them, nested classes do not), its fields and its lifecycle methods.
 */
public final class ClassScope {

	/** Methods that a container or an owner calls to stop an object, by convention. */
	static final Set<String> LIFECYCLE_NAMES = Set.of("close", "stop", "shutdown", "destroy", "doStop", "dispose",
			"terminate");

	private final Path file;

	private final TypeDeclaration<?> type;

	private final String className;

	private final TypeIndex types;

	private Set<MethodDeclaration> lifecycleMethods;

	public ClassScope(Path file, TypeDeclaration<?> type, TypeIndex types) {
		this.file = file;
		this.type = type;
		this.className = nameOf(type);
		this.types = types;
	}

	private static String nameOf(TypeDeclaration<?> type) {
		StringBuilder name = new StringBuilder(type.getNameAsString());
		Node current = type.getParentNode().orElse(null);
		while (current != null) {
			if (current instanceof TypeDeclaration<?> outer) {
				name.insert(0, outer.getNameAsString() + ".");
			}
			current = current.getParentNode().orElse(null);
		}
		return name.toString();
	}

	public TypeDeclaration<?> type() {
		return this.type;
	}

	public TypeIndex types() {
		return this.types;
	}

	/** The outermost class of the file: nested classes, anonymous classes and all. */
	public Node file() {
		Node current = this.type;
		while (current.getParentNode().isPresent()) {
			current = current.getParentNode().get();
		}
		return current;
	}

	/**
	 * Whether the expression starts or creates a thread: {@link Patterns#isThreadCreation}, a
	 * {@code new} of an audited Thread subclass (anonymous ones included), or
	 * {@code ZThread.start/fork}, whose threads nothing joins unless the code does.
	 */
	public boolean isThreadCreation(Expression expression) {
		if (Patterns.isThreadCreation(expression)) {
			return true;
		}
		if (expression instanceof ObjectCreationExpr creation) {
			return this.types.isThread(TypeIndex.written(creation.getType()));
		}
		return expression instanceof MethodCallExpr call && Patterns.isZThreadStart(call);
	}

	/** A socket creation: {@link Patterns#isSocketCreation}, or a {@code new} of an audited ZMQ.Socket subclass. */
	public boolean isSocketCreation(Expression expression) {
		if (expression instanceof MethodCallExpr call) {
			return Patterns.isSocketCreation(call);
		}
		return expression instanceof ObjectCreationExpr creation
				&& this.types.isSocket(TypeIndex.written(creation.getType()));
	}

	/** Whether this class is itself a ZMQ.Socket (a subclass): then {@code this} is a socket. */
	public boolean isSocketClass() {
		return this.type instanceof ClassOrInterfaceDeclaration declaration && declaration.getExtendedTypes()
			.stream()
			.anyMatch((t) -> this.types.isSocket(TypeIndex.written(t)));
	}

	public String className() {
		return this.className;
	}

	/** The nodes of this kind that belong to this class, in source order. */
	public <T extends Node> List<T> find(Class<T> kind) {
		return this.type.findAll(kind).stream().filter(this::owns).toList();
	}

	/** Whether the nearest class declaration around {@code node} is this one. */
	public boolean owns(Node node) {
		if (node == this.type) {
			return false;
		}
		Node current = node.getParentNode().orElse(null);
		while (current != null && !(current instanceof TypeDeclaration<?>)) {
			current = current.getParentNode().orElse(null);
		}
		return current == this.type;
	}

	public Finding finding(RuleSpec rule, Node at, String message, String fix) {
		int line = at.getBegin().map((position) -> position.line).orElse(1);
		int column = at.getBegin().map((position) -> position.column).orElse(1);
		return new Finding(rule, this.file, line, column, this.className, message, fix);
	}

	public Finding finding(RuleSpec rule, Node at, String message) {
		return finding(rule, at, message, rule.fix());
	}

	public List<MethodDeclaration> methods() {
		return find(MethodDeclaration.class);
	}

	/** Fields of this class by name, with their declarations. */
	public Optional<FieldDeclaration> field(String name) {
		return find(FieldDeclaration.class).stream()
			.filter((field) -> field.getVariables().stream().anyMatch((v) -> v.getNameAsString().equals(name)))
			.findFirst();
	}

	/**
	 * The methods that run when the object is stopped: {@code @PreDestroy} ones, the
	 * conventional names (close, stop, shutdown, destroy...), and what they call on this object.
	 */
	public Set<MethodDeclaration> lifecycleMethods() {
		if (this.lifecycleMethods == null) {
			Set<MethodDeclaration> found = new LinkedHashSet<>();
			Deque<MethodDeclaration> pending = new ArrayDeque<>();
			methods().stream()
				.filter((method) -> method.isAnnotationPresent("PreDestroy")
						|| LIFECYCLE_NAMES.contains(method.getNameAsString()))
				.forEach(pending::add);
			while (!pending.isEmpty()) {
				MethodDeclaration method = pending.pop();
				if (found.add(method)) {
					method.findAll(MethodCallExpr.class)
						.stream()
						.filter((call) -> call.getScope().isEmpty() || call.getScope().get() instanceof ThisExpr)
						.flatMap((call) -> methodsNamed(call.getNameAsString()).stream())
						.forEach(pending::add);
				}
			}
			this.lifecycleMethods = found;
		}
		return this.lifecycleMethods;
	}

	public List<MethodDeclaration> methodsNamed(String name) {
		return methods().stream().filter((method) -> method.getNameAsString().equals(name)).toList();
	}

	/** Whether a lifecycle method calls {@code target.m()} with m in {@code names}. */
	public boolean releasedInLifecycle(String target, Set<String> names) {
		return lifecycleMethods().stream().anyMatch((method) -> Patterns.hasCallOn(method, target, names));
	}

	/**
	 * Names that hold ZMQ sockets here: variables, fields and parameters declared as
	 * {@code Socket}/{@code ZMQ.Socket}, and whatever a socket creation is assigned to.
	 */
	public Set<String> socketNames() {
		Set<String> names = new LinkedHashSet<>();
		find(VariableDeclarator.class).stream()
			.filter((variable) -> isSocketType(variable.getType()))
			.forEach((variable) -> names.add(variable.getNameAsString()));
		find(Parameter.class).stream()
			.filter((parameter) -> isSocketType(parameter.getType()))
			.forEach((parameter) -> names.add(parameter.getNameAsString()));
		find(Expression.class).stream()
			.filter(this::isSocketCreation)
			.flatMap((creation) -> Patterns.assignedName(creation).stream())
			.forEach(names::add);
		if (isSocketClass()) {
			names.add(THIS);
		}
		return names;
	}

	/** The name {@link #socketNames()} gives {@code this} (and {@code super}) in a ZMQ.Socket subclass. */
	public static final String THIS = "this";

	private boolean isSocketType(Type type) {
		return type instanceof ClassOrInterfaceType named && this.types.isSocket(TypeIndex.written(named));
	}

	/** Whether any class of the file touches ZMQ sockets: a thread started here may run a nested class's socket loop. */
	public boolean fileUsesSockets() {
		return file().findAll(TypeDeclaration.class)
			.stream()
			.anyMatch((other) -> !new ClassScope(this.file, other, this.types).socketNames().isEmpty());
	}

	/**
	 * The sockets a JeroMQ poller watches in this file: the first argument of
	 * {@code poller.register(socket, ...)} or {@code new PollItem(socket, ...)}, as written
	 * ({@code this} for a socket subclass registering itself).
	 */
	public Set<String> polledSockets() {
		Set<String> polled = new LinkedHashSet<>();
		for (MethodCallExpr call : file().findAll(MethodCallExpr.class)) {
			if (call.getNameAsString().equals("register") && !call.getArguments().isEmpty()) {
				Patterns.socketTarget(call.getArgument(0)).ifPresent(polled::add);
			}
		}
		for (ObjectCreationExpr creation : file().findAll(ObjectCreationExpr.class)) {
			if (creation.getType().getNameAsString().equals("PollItem") && !creation.getArguments().isEmpty()) {
				Patterns.socketTarget(creation.getArgument(0)).ifPresent(polled::add);
			}
		}
		return polled;
	}

	/** The names of this class's supertypes, as written. */
	public Set<String> supertypes() {
		if (this.type instanceof NodeWithImplements<?> implementing) {
			Set<String> names = implementing.getImplementedTypes()
				.stream()
				.map((t) -> t.getNameAsString())
				.collect(Collectors.toCollection(LinkedHashSet::new));
			if (this.type instanceof ClassOrInterfaceDeclaration declaration) {
				declaration.getExtendedTypes().forEach((t) -> names.add(t.getNameAsString()));
			}
			return names;
		}
		return Set.of();
	}

}
