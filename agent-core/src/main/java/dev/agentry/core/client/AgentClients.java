package dev.agentry.core.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Creates {@link AgentClient}s and closes every one it created, after the endpoints,
 * streams and workers that call through them and before the ZMQ context: a client cannot
 * exist unmanaged. They close one after the other, each within its linger and
 * {@link ShutdownBudget#SOCKET_CLOSE_MARGIN}, and are reported under the context step, one
 * entry per client.
 */
public final class AgentClients extends ShutdownStep {

	private static final Log logger = LogFactory.getLog(AgentClients.class);

	private final ZmqSockets sockets;

	private final ObjectMapper mapper;

	private final Consumer<Throwable> onCrash;

	/** {@code null} without metrics: then the clients only log replies from the wrong peer. */
	private final AgentMetrics metrics;

	private final List<AgentClient> clients = new CopyOnWriteArrayList<>();

	/** The sources of the clients made from one, closed with them. */
	private final List<EndpointSource> sources = new CopyOnWriteArrayList<>();

	/** Set at the stop, under this object's lock: no client is created after it. */
	private boolean stopped;

	public AgentClients(ZmqSockets sockets, ObjectMapper mapper, ShutdownRecorder recorder,
			Consumer<Throwable> onCrash) {
		this(sockets, mapper, recorder, null, onCrash);
	}

	/**
	 * @param metrics where the clients count the replies they drop because they came from
	 * another peer than the one the call went to ({@code agent_client_replies_rejected_total})
	 */
	public AgentClients(ZmqSockets sockets, ObjectMapper mapper, ShutdownRecorder recorder, AgentMetrics metrics,
			Consumer<Throwable> onCrash) {
		// The bound of one client's close; the budget counts it once per client.
		super(Step.CONTEXT, "agent-clients", null, recorder, ShutdownBudget.socketCloseBound(sockets.linger()));
		this.sockets = sockets;
		this.mapper = mapper;
		this.metrics = metrics;
		this.onCrash = onCrash;
	}

	/** A client of fixed endpoints, e.g. {@code tcp://127.0.0.1:5510}; with CURVE on, see {@link #create(String, List, String)}. */
	public AgentClient create(String name, List<String> endpoints) {
		return create(name, endpoints, null);
	}

	/**
	 * A client of fixed endpoints that all hold the CURVE public key {@code serverKey} (Z85;
	 * ignored without CURVE).
	 */
	public AgentClient create(String name, List<String> endpoints, String serverKey) {
		List<String> fixed = List.copyOf(endpoints);
		return create(name, () -> fixed, (endpoint) -> serverKey);
	}

	/** A client whose endpoints are looked up again for every call; with CURVE on, see {@link #create(String, Supplier, Function)}. */
	public AgentClient create(String name, Supplier<List<String>> endpoints) {
		return create(name, endpoints, (endpoint) -> null);
	}

	/**
	 * A client of the endpoints that {@code source} lists ({@link EndpointSources}: a fixed
	 * list, {@code registry:<service>}, {@code dns:///host:port}), each pinned to the key the
	 * source gives for it when CURVE is on. The source is closed with the client.
	 */
	public synchronized AgentClient create(String name, EndpointSource source) {
		try {
			AgentClient client = create(name, source::endpoints, source::publicKey);
			this.sources.add(source);
			return client;
		}
		catch (RuntimeException ex) {
			source.close();
			throw ex;
		}
	}

	/**
	 * A client whose endpoints are looked up again for every call (a registry's live list,
	 * say), each pinned to the CURVE public key that {@code serverKeys} gives for it (ignored
	 * without CURVE). An endpoint without a key is never connected: calls move on from it.
	 */
	public synchronized AgentClient create(String name, Supplier<List<String>> endpoints,
			Function<String, String> serverKeys) {
		if (this.stopped) {
			throw new IllegalStateException("The agent's clients are closed; no new client '" + name + "'");
		}
		Runnable wrongPeer = (this.metrics != null) ? this.metrics.rejectedReplies(name, "wrong_peer")::increment : () -> {
		};
		AgentClient client = new AgentClient(name, endpoints, serverKeys, this.sockets, this.mapper, wrongPeer,
				this.onCrash);
		client.start();
		this.clients.add(client);
		return client;
	}

	/** How many clients this has created. */
	public int count() {
		return this.clients.size();
	}

	@Override
	protected String stopping() {
		return "closing " + this.clients.size() + " agent client(s)";
	}

	@Override
	protected StepOutcome doStop(Completion step) {
		synchronized (this) {
			this.stopped = true;
		}
		this.sources.forEach(EndpointSource::close);
		StepOutcome outcome = StepOutcome.GRACEFUL;
		for (AgentClient client : this.clients) {
			long start = System.nanoTime();
			boolean closed = client.stop(bound());
			StepOutcome closing = closed ? StepOutcome.GRACEFUL : StepOutcome.TIMEOUT;
			step.part(new StepRecord("context", "client-" + client.name(), Duration.ofNanos(System.nanoTime() - start),
					closing, null, null, null));
			outcome = outcome.worst(closing);
			if (!closed) {
				logger.warn("Agent client '" + client.name() + "' did not close in time");
			}
		}
		return outcome;
	}

	@Override
	public int getPhase() {
		return AgentPhases.CLIENTS;
	}

}
