package dev.agentry.migrate.audit;

import java.util.List;

/** The catalog of rules; the order is the order of the README's table and of SARIF's {@code rules[]}. */
public final class Rules {

	public static final RuleSpec SHUTDOWN_HOOK = new RuleSpec("shutdown-hook", "ShutdownHook", 3,
			"Hand-written JVM shutdown hook",
			"Runtime.addShutdownHook runs on its own thread, concurrently with Spring's shutdown and in no order with "
					+ "it, so the clean-up can race the endpoints and the ZMQ context.",
			"Put the clean-up in a @PreDestroy method (or let agent-core own the resource) and remove the hook; "
					+ "`migrate` does this when the hook only calls a clean-up method of this class.",
			false);

	public static final RuleSpec SIGNAL_HANDLER = new RuleSpec("signal-handler", "SignalHandler", 4,
			"Hand-written signal handler",
			"sun.misc.Signal / jdk.internal.misc.Signal handlers replace the JVM's SIGTERM handling, so Spring's "
					+ "ordered shutdown (drain, workers, context) never runs or runs twice.",
			"Remove the handler: SIGTERM and SIGINT already close the Spring context; move its clean-up into "
					+ "@PreDestroy. `migrate` removes a TERM/INT handler that only calls clean-up or exit.",
			false);

	public static final RuleSpec EXIT_OUTSIDE_MAIN = new RuleSpec("exit-outside-main", "ExitOutsideMain", 4,
			"System.exit or Runtime.halt outside main",
			"Exiting from a library method or a handler skips the drain (halt skips even the shutdown hooks) and "
					+ "loses in-flight requests.",
			"Throw, or close the application context (SpringApplication.exit) and let the agent stop in order.",
			false);

	public static final RuleSpec UNMANAGED_THREAD = new RuleSpec("unmanaged-thread", "UnmanagedThread", 4,
			"Thread never joined in a lifecycle method",
			"A thread that close/stop/@PreDestroy does not join keeps running while the context it uses closes.",
			"Declare it as an agent-core AgentWorker bean (signalled and joined at step 3), or join it with a "
					+ "timeout in a @PreDestroy method.",
			false);

	public static final RuleSpec UNMANAGED_EXECUTOR = new RuleSpec("unmanaged-executor", "UnmanagedExecutor", 4,
			"Executor never shut down in a lifecycle method",
			"An executor that close/stop/@PreDestroy does not shut down keeps its tasks (and the JVM) running.",
			"Shut it down and await termination with a bound in a @PreDestroy method, return it from a @Bean "
					+ "method (Spring calls shutdown), or use an AgentWorker.",
			false);

	public static final RuleSpec ENDLESS_LOOP = new RuleSpec("endless-loop", "EndlessLoop", 5,
			"Loop that only an interrupt or an exception can end",
			"while (true) / for (;;) / while (!isInterrupted()) with no break or return that normal flow reaches "
					+ "(breaks after a null receive, a failed send or in a catch need an interrupt), and an interrupt "
					+ "breaks JeroMQ sockets.",
			"Loop on a volatile flag that stop() clears (or AgentWorker.loop with context.isRunning()).",
			false);

	public static final RuleSpec NON_VOLATILE_FLAG = new RuleSpec("non-volatile-flag", "NonVolatileFlag", 3,
			"Loop on a non-volatile flag",
			"Another thread's write to a plain boolean field may never be seen by the loop, so stop() does not stop it.",
			"Declare the flag volatile (or use an AtomicBoolean, or AgentWorker's context.isRunning()).", false);

	public static final RuleSpec SWALLOWED_INTERRUPT = new RuleSpec("swallowed-interrupt", "SwallowedInterrupt", 2,
			"InterruptedException swallowed",
			"The catch neither restores the interrupt flag nor leaves, so the request to stop is lost.",
			"Call Thread.currentThread().interrupt() and leave the loop or method; `migrate` restores the flag "
					+ "where no loop is around the catch.",
			false);

	public static final RuleSpec UNCLOSED_CONTEXT = new RuleSpec("unclosed-context", "UnclosedContext", 5,
			"ZMQ context never closed in a lifecycle method",
			"A ZContext / ZMQ.Context left to the JVM's exit keeps JeroMQ's I/O threads alive and can hold the "
					+ "exit; its sockets are never flushed.",
			"Use agent-core's context (ZmqContextLifecycle), or close it last in a @PreDestroy method.", false);

	public static final RuleSpec SOCKET_LINGER = new RuleSpec("socket-linger", "SocketLinger", 1,
			"ZMQ.Context socket without an explicit linger",
			"A ZMQ.Context socket's implicit linger is infinite: terminating the context waits for ever for "
					+ "messages a gone peer will never take.",
			"Call socket.setLinger(...) with a bounded value right after creating it; `migrate` adds "
					+ "setLinger(1000) where the socket is assigned to a variable and no linger is set on it.",
			false);

	public static final RuleSpec ZCONTEXT_LINGER = new RuleSpec("zcontext-linger", "ZContextLinger", 0,
			"ZContext socket without an explicit linger (informational)",
			"A ZContext gives its sockets linger 0: closing one never hangs, but messages still queued are dropped. "
					+ "A linger flushes them and in exchange lets a close wait up to that long for a slow peer.",
			"Nothing to do if dropping queued messages at close is fine; else setLinger(...) on the socket, or "
					+ "ctx.setLinger(...) on the ZContext before creating its sockets.",
			false);

	public static final RuleSpec BLOCKING_RECV = new RuleSpec("blocking-recv", "BlockingRecv", 4,
			"Blocking receive with no timeout and no poller",
			"recv() without a receive timeout or a poller blocks until a message arrives, so the thread cannot "
					+ "see a stop request without an interrupt.",
			"Set socket.setReceiveTimeOut(...) and check the stop flag between receives, or poll with a bounded "
					+ "timeout (ZPoller / ZMQ.Poller).",
			false);

	public static final RuleSpec INTERRUPT_SOCKET_THREAD = new RuleSpec("interrupt-socket-thread",
			"InterruptSocketThread", 5, "Thread.interrupt() in a class that uses sockets",
			"Interrupting a thread that uses a JeroMQ socket breaks the socket and can hang ZContext.close().",
			"Stop the thread with a volatile flag plus a receive timeout or a poller wake-up, then join it.", false);

	public static final RuleSpec CROSS_THREAD_CLOSE = new RuleSpec("cross-thread-close", "CrossThreadClose", 4,
			"Socket closed from another thread while its loop may still use it",
			"A socket that a thread's loop uses is closed by another thread without waiting for that loop to end: "
					+ "JeroMQ sockets are not thread-safe, so the loop's next poll or receive races the close.",
			"Signal the loop to stop, join its thread, and let the loop close its own socket (or close after the join).",
			false);

	public static final RuleSpec SHARED_SOCKET = new RuleSpec("shared-socket", "SharedSocket", 3,
			"Socket used from more than one thread (heuristic)",
			"ZeroMQ sockets are not thread-safe; a socket field used inside a thread body and elsewhere (or in two "
					+ "thread bodies) is probably used concurrently. Heuristic: it does not follow calls.",
			"Keep the socket on one thread and hand work to it through a queue or an inproc pipe.", true);

	public static final RuleSpec MISSING_LIFECYCLE = new RuleSpec("missing-lifecycle", "MissingLifecycle", 3,
			"Owns threads, executors, contexts or sockets without a lifecycle",
			"The class creates resources that must be stopped but has no close(), @PreDestroy, DisposableBean or "
					+ "SmartLifecycle, so nothing stops them.",
			"Implement close() / a @PreDestroy method that stops what the class owns, or move the work onto "
					+ "agent-core (AgentWorker, @AgentAction).",
			false);

	public static final RuleSpec PARSE_ERROR = new RuleSpec("parse-error", "ParseError", 0,
			"Source file does not parse",
			"The file is not valid Java for the parser, so none of the rules could check it.",
			"Fix the syntax (the compiler says where), then audit again.", false);

	/** Every rule, in report order. */
	public static final List<RuleSpec> ALL = List.of(SHUTDOWN_HOOK, SIGNAL_HANDLER, EXIT_OUTSIDE_MAIN,
			UNMANAGED_THREAD, UNMANAGED_EXECUTOR, ENDLESS_LOOP, NON_VOLATILE_FLAG, SWALLOWED_INTERRUPT,
			UNCLOSED_CONTEXT, SOCKET_LINGER, ZCONTEXT_LINGER, BLOCKING_RECV, INTERRUPT_SOCKET_THREAD, CROSS_THREAD_CLOSE,
			SHARED_SOCKET, MISSING_LIFECYCLE,
			PARSE_ERROR);

	private Rules() {
	}

}
