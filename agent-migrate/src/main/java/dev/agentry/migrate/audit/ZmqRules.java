package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LambdaExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.WhileStmt;
import dev.agentry.migrate.syntax.LingerPlacement;
import dev.agentry.migrate.syntax.Patterns;

/** ZeroMQ contexts never closed, sockets without linger, receives that cannot be woken, interrupts. */
final class ZmqRules implements Rule {

	private static final Set<String> RECEIVE_TIMEOUT = Set.of("setReceiveTimeOut", "setRcvTimeO");

	private static final Set<String> BLOCKING_RECEIVES = Set.of("recv", "recvStr");

	/** Reactor callbacks: the reactor calls them once their socket is readable. */
	private static final Set<String> HANDLER_TYPES = Set.of("IZLoopHandler", "EventsHandler");

	private static final Set<String> HANDLER_REGISTRATIONS = Set.of("addPoller", "register", "addTimer");

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		Set<String> sockets = scope.socketNames();
		Set<String> polled = scope.polledSockets();
		boolean fileUsesSockets = scope.fileUsesSockets();
		for (Expression expression : scope.find(Expression.class)) {
			if (Patterns.isContextCreation(expression)) {
				unclosedContext(scope, expression).ifPresent(findings::add);
			}
			if (scope.isSocketCreation(expression)) {
				missingLinger(scope, expression).ifPresent(findings::add);
			}
			if (!(expression instanceof MethodCallExpr call)) {
				continue;
			}
			Optional<String> received = blockingReceive(scope, call, sockets);
			if (received.isPresent() && !polled.contains(received.get()) && !isParameter(call, received.get())
					&& !hasReceiveTimeout(scope, received.get()) && !isContinuationFrame(scope, call, received.get())
					&& !inReactorHandler(call)) {
				findings.add(scope.finding(Rules.BLOCKING_RECV, call, call + " blocks with no receive timeout on '"
						+ received.get() + "' and no poller watching it"));
			}
			else if (isThreadInterrupt(call) && fileUsesSockets) {
				findings.add(scope.finding(Rules.INTERRUPT_SOCKET_THREAD, call,
						call + " in a file that uses ZMQ sockets: an interrupt breaks a JeroMQ socket"));
			}
			else if (call.getNameAsString().equals("shutdownNow") && call.getArguments().isEmpty() && fileUsesSockets) {
				findings.add(scope.finding(Rules.INTERRUPT_SOCKET_THREAD, call,
						call + " interrupts the executor's threads, in a file that uses ZMQ sockets"));
			}
		}
		return findings;
	}

	private static boolean isThreadInterrupt(MethodCallExpr call) {
		return call.getNameAsString().equals("interrupt") && call.getArguments().isEmpty()
				&& call.getScope().filter((s) -> !s.toString().equals("Thread.currentThread()")).isPresent();
	}

	private static Optional<Finding> unclosedContext(ClassScope scope, Expression creation) {
		if (Patterns.isTryResource(creation) || Patterns.isReturned(creation)) {
			return Optional.empty();
		}
		// closed anywhere counts: main's last line, a run() that ends with ctx.destroy(), a close()
		Optional<String> name = Patterns.assignedName(creation);
		if (name.isPresent() && Patterns.hasCallOn(scope.file(), name.get(), Patterns.CONTEXT_CLOSE)) {
			return Optional.empty();
		}
		return Optional.of(scope.finding(Rules.UNCLOSED_CONTEXT, creation,
				"ZMQ context " + name.map((n) -> "'" + n + "' ").orElse("") + "is never closed"));
	}

	private static Optional<Finding> missingLinger(ClassScope scope, Expression creation) {
		Optional<String> name = Patterns.assignedName(creation);
		if (Patterns.isReturned(creation) || LingerPlacement.contextLinger(creation)
				|| (name.isPresent() && LingerPlacement.hasLinger(scope.type(), creation, name.get()))) {
			return Optional.empty();
		}
		String socket = "socket " + name.map((n) -> "'" + n + "' ").orElse("") + "from " + creation;
		if (LingerPlacement.isZContextSocket(creation)) {
			return Optional.of(scope.finding(Rules.ZCONTEXT_LINGER, creation, socket
					+ " has the ZContext's linger 0: its close cannot hang, but queued messages are dropped"));
		}
		boolean rewritten = creation instanceof MethodCallExpr call && name.isPresent()
				&& LingerPlacement.of(call).isPresent();
		String fix = rewritten
				? "`migrate` adds " + LingerPlacement.of((MethodCallExpr) creation).get().target() + ".setLinger(1000) after it"
				: "Call setLinger(...) on this socket right after creating it (`migrate` cannot place the call here)";
		return Optional.of(scope.finding(Rules.SOCKET_LINGER, creation,
				socket + " has no explicit linger: the context's termination can wait for ever", fix));
	}

	/** A socket handed in as a parameter: its caller decides on timeouts and polling (a read-the-rest helper). */
	private static boolean isParameter(MethodCallExpr call, String socket) {
		return call.findAncestor(CallableDeclaration.class)
			.map((callable) -> ((CallableDeclaration<?>) callable).getParameters())
			.filter((parameters) -> parameters.stream().anyMatch((p) -> p.getNameAsString().equals(socket)))
			.isPresent();
	}

	private static boolean hasReceiveTimeout(ClassScope scope, String socket) {
		if (socket.equals(ClassScope.THIS)) {
			return scope.file().findAll(MethodCallExpr.class)
				.stream()
				.anyMatch((call) -> RECEIVE_TIMEOUT.contains(call.getNameAsString()));
		}
		return Patterns.hasCallOn(scope.file(), socket, RECEIVE_TIMEOUT);
	}

	/** The socket a blocking receive reads, if {@code call} is one: {@code s.recv()}, {@code ZMsg.recvMsg(s)}... */
	private static Optional<String> blockingReceive(ClassScope scope, MethodCallExpr call, Set<String> sockets) {
		Optional<String> target = receiveTarget(scope, call);
		if (target.isEmpty() || !sockets.contains(target.get())) {
			return Optional.empty();
		}
		if (BLOCKING_RECEIVES.contains(call.getNameAsString())) {
			boolean blocking = call.getArguments().isEmpty() || (call.getArguments().size() == 1
					&& call.getArgument(0) instanceof IntegerLiteralExpr flags && flags.getValue().equals("0"));
			return blocking ? target : Optional.empty();
		}
		return target;
	}

	/** {@code s.recv()} ({@code this}/{@code super}/no target in a socket subclass), or {@code ZMsg.recvMsg(s)} / {@code ZFrame.recvFrame(s)}. */
	private static Optional<String> receiveTarget(ClassScope scope, MethodCallExpr call) {
		if (BLOCKING_RECEIVES.contains(call.getNameAsString())) {
			if (call.getScope().isEmpty()) {
				return scope.isSocketClass() ? Optional.of(ClassScope.THIS) : Optional.empty();
			}
			return call.getScope().flatMap(Patterns::socketTarget);
		}
		boolean helper = (call.getNameAsString().equals("recvMsg") || call.getNameAsString().equals("recvFrame"))
				&& call.getArguments().size() == 1;
		return helper ? Patterns.simpleTarget(call.getArgument(0)) : Optional.empty();
	}

	/**
	 * A later frame of a multipart message: another receive on the same socket comes first in the
	 * same body, or a {@code hasReceiveMore()} test guards it. ZeroMQ delivers a message's frames
	 * together, so only the first receive can wait.
	 */
	private static boolean isContinuationFrame(ClassScope scope, MethodCallExpr call, String socket) {
		Node body = Patterns.enclosingBody(call).orElse(scope.type());
		boolean earlier = body.findAll(MethodCallExpr.class)
			.stream()
			.filter((other) -> other != call && isBefore(other, call))
			.anyMatch((other) -> receiveTarget(scope, other).filter(socket::equals).isPresent());
		Node current = call.getParentNode().orElse(null);
		while (current != null && current != body) {
			Expression condition = (current instanceof WhileStmt loop) ? loop.getCondition()
					: (current instanceof IfStmt test) ? test.getCondition() : null;
			if (condition != null && condition.findAll(MethodCallExpr.class)
				.stream()
				.anyMatch((test) -> test.getNameAsString().equals("hasReceiveMore"))) {
				return true;
			}
			current = current.getParentNode().orElse(null);
		}
		return earlier;
	}

	private static boolean isBefore(Node a, Node b) {
		return a.getBegin().isPresent() && b.getBegin().isPresent() && a.getBegin().get().isBefore(b.getBegin().get());
	}

	/** Inside a ZLoop / ZPoller handler (a handler class's method, or a lambda handed to addPoller/register). */
	private static boolean inReactorHandler(MethodCallExpr call) {
		Node current = call.getParentNode().orElse(null);
		while (current != null) {
			if (current instanceof LambdaExpr && current.getParentNode().orElse(null) instanceof MethodCallExpr owner
					&& HANDLER_REGISTRATIONS.contains(owner.getNameAsString())) {
				return true;
			}
			if (current instanceof com.github.javaparser.ast.body.ClassOrInterfaceDeclaration type) {
				return type.getImplementedTypes().stream().anyMatch((t) -> HANDLER_TYPES.contains(t.getNameAsString()));
			}
			if (current instanceof ObjectCreationExpr anonymous && anonymous.getAnonymousClassBody().isPresent()) {
				return HANDLER_TYPES.contains(anonymous.getType().getNameAsString());
			}
			current = current.getParentNode().orElse(null);
		}
		return false;
	}

}
