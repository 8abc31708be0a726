package dev.agentry.core.client;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Lets a thread of agent-core's own (an endpoint's handler, a worker) make its synchronous
 * {@link AgentClient#call}s on sockets of its own, which it makes, uses and closes itself,
 * instead of handing each call to the client's loop and back.
 * <p>
 * Only threads that run their body through {@link #run} get them, because only they are sure
 * to close them: ZeroMQ sockets must be closed by the thread that owns them, before the
 * context terminates at step 5, and these threads end before it (the handlers at step 1, the
 * workers at step 3), closing their sockets as they end. Any other thread's call goes through
 * the client's loop, which its own thread closes.
 */
public final class CallerSockets {

	private static final ThreadLocal<Map<AgentClient, Lane>> LANES = new ThreadLocal<>();

	private CallerSockets() {
	}

	/**
	 * Runs {@code body} on this thread, which owns the sockets its calls make, and closes them
	 * when the body ends, however it ends.
	 */
	public static void run(Runnable body) {
		if (LANES.get() != null) {
			body.run();
			return;
		}
		Map<AgentClient, Lane> lanes = new IdentityHashMap<>();
		LANES.set(lanes);
		try {
			body.run();
		}
		finally {
			LANES.remove();
			lanes.values().forEach(Lane::close);
		}
	}

	/** Whether this thread's synchronous calls go on sockets of its own. */
	public static boolean ownsSockets() {
		return LANES.get() != null;
	}

	/** This thread's lane for {@code client}, made now if it has none; {@code null} off such a thread. */
	static Lane lane(AgentClient client, Supplier<Lane> lane) {
		Map<AgentClient, Lane> lanes = LANES.get();
		return (lanes != null) ? lanes.computeIfAbsent(client, (key) -> lane.get()) : null;
	}

	/** Closes this thread's lane for {@code client}, if it has one: the client closed. */
	static void close(AgentClient client) {
		Map<AgentClient, Lane> lanes = LANES.get();
		Lane lane = (lanes != null) ? lanes.remove(client) : null;
		if (lane != null) {
			lane.close();
		}
	}

}
