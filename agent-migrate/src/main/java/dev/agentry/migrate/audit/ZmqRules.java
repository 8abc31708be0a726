package dev.agentry.migrate.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import dev.agentry.migrate.syntax.LingerPlacement;
import dev.agentry.migrate.syntax.Patterns;

/** ZeroMQ contexts never closed, sockets without linger, receives that cannot be woken, interrupts. */
final class ZmqRules implements Rule {

	private static final Set<String> RECEIVE_TIMEOUT = Set.of("setReceiveTimeOut", "setRcvTimeO");

	private static final Set<String> BLOCKING_RECEIVES = Set.of("recv", "recvStr");

	@Override
	public List<Finding> check(ClassScope scope) {
		List<Finding> findings = new ArrayList<>();
		Set<String> sockets = scope.socketNames();
		boolean poller = scope.usesPoller();
		for (Expression expression : scope.find(Expression.class)) {
			if (Patterns.isContextCreation(expression)) {
				unclosedContext(scope, expression).ifPresent(findings::add);
			}
			if (!(expression instanceof MethodCallExpr call)) {
				continue;
			}
			if (Patterns.isSocketCreation(call)) {
				missingLinger(scope, call).ifPresent(findings::add);
			}
			else if (!poller && isBlockingReceive(call, sockets)) {
				String socket = receiveTarget(call).orElseThrow();
				if (!isParameter(call, socket) && !Patterns.hasCallOn(scope.type(), socket, RECEIVE_TIMEOUT)) {
					findings.add(scope.finding(Rules.BLOCKING_RECV, call,
							call + " blocks with no receive timeout on '" + socket + "' and no poller"));
				}
			}
			else if (call.getNameAsString().equals("interrupt") && call.getArguments().isEmpty()
					&& call.getScope().filter((s) -> !s.toString().equals("Thread.currentThread()")).isPresent()
					&& !sockets.isEmpty()) {
				findings.add(scope.finding(Rules.INTERRUPT_SOCKET_THREAD, call,
						call + " in a class that uses ZMQ sockets: an interrupt breaks a JeroMQ socket"));
			}
		}
		return findings;
	}

	private static Optional<Finding> unclosedContext(ClassScope scope, Expression creation) {
		if (Patterns.isTryResource(creation) || Patterns.isReturned(creation)) {
			return Optional.empty();
		}
		Optional<String> name = Patterns.assignedName(creation);
		if (name.isPresent() && scope.releasedInLifecycle(name.get(), Patterns.CONTEXT_CLOSE)) {
			return Optional.empty();
		}
		return Optional.of(scope.finding(Rules.UNCLOSED_CONTEXT, creation,
				"ZMQ context " + name.map((n) -> "'" + n + "' ").orElse("")
						+ "is not closed by close/stop/@PreDestroy"));
	}

	private static Optional<Finding> missingLinger(ClassScope scope, MethodCallExpr creation) {
		Optional<String> name = Patterns.assignedName(creation);
		if (name.isPresent() && LingerPlacement.hasLinger(scope.type(), creation, name.get())) {
			return Optional.empty();
		}
		String fix = name.isPresent() && LingerPlacement.of(creation).isPresent()
				? "`migrate` adds " + LingerPlacement.of(creation).get().target() + ".setLinger(1000) after it"
				: "Call setLinger(...) on this socket right after creating it (`migrate` cannot place the call here)";
		return Optional.of(scope.finding(Rules.SOCKET_LINGER, creation,
				"socket " + name.map((n) -> "'" + n + "' ").orElse("") + "from " + creation
						+ " has no explicit linger",
				fix));
	}

	/** A socket handed in as a parameter: its caller decides on timeouts and polling (a read-the-rest helper). */
	private static boolean isParameter(MethodCallExpr call, String socket) {
		return call.findAncestor(CallableDeclaration.class)
			.map((callable) -> ((CallableDeclaration<?>) callable).getParameters())
			.filter((parameters) -> parameters.stream().anyMatch((p) -> p.getNameAsString().equals(socket)))
			.isPresent();
	}

	private static boolean isBlockingReceive(MethodCallExpr call, Set<String> sockets) {
		Optional<String> target = receiveTarget(call);
		if (target.isEmpty() || !sockets.contains(target.get())) {
			return false;
		}
		if (BLOCKING_RECEIVES.contains(call.getNameAsString())) {
			return call.getArguments().isEmpty() || (call.getArguments().size() == 1
					&& call.getArgument(0) instanceof IntegerLiteralExpr flags && flags.getValue().equals("0"));
		}
		return true;
	}

	/** The socket a receive reads: {@code s.recv()}, or {@code ZMsg.recvMsg(s)} / {@code ZFrame.recvFrame(s)}. */
	private static Optional<String> receiveTarget(MethodCallExpr call) {
		if (BLOCKING_RECEIVES.contains(call.getNameAsString())) {
			return call.getScope().flatMap(Patterns::simpleTarget);
		}
		boolean helper = (call.getNameAsString().equals("recvMsg") || call.getNameAsString().equals("recvFrame"))
				&& call.getArguments().size() == 1;
		return helper ? Patterns.simpleTarget(call.getArgument(0)) : Optional.empty();
	}

}
