package dev.agentry.core.endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.zmq.SocketPoller;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Asks each request endpoint a {@code health_check} over loopback, as a peer would, and turns
 * liveness {@code BROKEN} once one has missed {@code failures} probes in a row. It catches
 * what no exception reports: a JeroMQ I/O thread that spins or died, a socket thread that
 * hangs. Kubernetes then restarts the agent instead of routing to one that cannot answer.
 * It stops just before the endpoints drain, so a drain is never taken for a failure: a part of
 * step 1, not recorded (the probe is no endpoint of the report).
 */
final class EndpointLivenessProbe extends ShutdownStep {

	private static final Log logger = LogFactory.getLog(EndpointLivenessProbe.class);

	private static final byte[] PROBE = "{\"action\":\"health_check\",\"id\":\"liveness-probe\"}"
		.getBytes(StandardCharsets.UTF_8);

	private final List<Target> targets;

	private final ZmqSockets sockets;

	private final Settings settings;

	private final Consumer<Throwable> onDead;

	private final List<Loop> loops = new ArrayList<>();

	/**
	 * @param interval time between two probes of an endpoint; zero turns the probe off
	 * @param timeout how long a probe may wait for its answer
	 * @param failures probes missed in a row that make the agent dead
	 */
	public record Settings(Duration interval, Duration timeout, int failures) {
	}

	/** An endpoint to probe: its name, and where it is bound once it has started. */
	public record Target(String name, Supplier<String> boundEndpoint) {
	}

	public EndpointLivenessProbe(List<Target> targets, ZmqSockets sockets, Settings settings,
			Consumer<Throwable> onDead) {
		super(Step.ENDPOINTS, "liveness-probe", null, null, ShutdownBudget.LIVENESS_PROBE_BOUND);
		this.targets = List.copyOf(targets);
		this.sockets = sockets;
		this.settings = settings;
		this.onDead = onDead;
	}

	@Override
	protected void doStart() {
		if (this.settings.interval().isZero() || this.settings.interval().isNegative()) {
			logger.info("The endpoints' liveness probe is off (agent.liveness.probe-interval=0)");
			return;
		}
		for (Target target : this.targets) {
			String bound = target.boundEndpoint().get();
			if (bound == null) {
				continue;
			}
			Loop loop = new Loop(target.name(), loopbackAddress(bound));
			loop.start(Duration.ofSeconds(10));
			this.loops.add(loop);
		}
	}

	@Override
	protected String stopping() {
		return "stopping " + this.loops.size() + " probe(s)";
	}

	@Override
	protected StepOutcome doStop(Completion step) {
		this.loops.forEach(ZmqLoop::requestStop);
		// The stop request wakes each loop at once and its socket closes with linger 0, so this
		// takes milliseconds; the bound, one deadline for all, is a safety net.
		long deadline = System.nanoTime() + bound().toNanos();
		boolean all = true;
		for (Loop loop : this.loops) {
			all &= loop.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		this.loops.clear();
		return all ? StepOutcome.GRACEFUL : StepOutcome.TIMEOUT;
	}

	@Override
	public int getPhase() {
		return AgentPhases.LIVENESS_PROBE;
	}

	/**
	 * Where to reach an endpoint from this host: a wildcard bind ({@code *}, {@code 0.0.0.0},
	 * {@code [::]}) is reached on loopback, any other address as it is.
	 */
	static String loopbackAddress(String bound) {
		int colon = bound.lastIndexOf(':');
		String host = bound.substring("tcp://".length(), colon);
		String port = bound.substring(colon + 1);
		return switch (host) {
			case "*", "0.0.0.0" -> "tcp://127.0.0.1:" + port;
			case "[::]", "[::0]" -> "tcp://[::1]:" + port;
			default -> bound;
		};
	}

	private final class Loop extends ZmqLoop {

		private final String name;

		private final String address;

		private ZMQ.Socket dealer;

		/** Whether a probe waits for its answer. */
		private boolean waiting;

		private long nextProbeNanos;

		private long deadlineNanos;

		private int missed;

		private boolean dead;

		Loop(String name, String address) {
			// A crash of the probe itself says nothing about the endpoint: it is logged only.
			super("agent-liveness-probe-" + name, EndpointLivenessProbe.this.sockets.context(), (failure) -> {
			});
			this.name = name;
			this.address = address;
		}

		@Override
		protected void open(SocketPoller poller) {
			ZmqSockets sockets = EndpointLivenessProbe.this.sockets;
			// The agent's own endpoint: with CURVE, served under the agent's own key.
			this.dealer = sockets.client(SocketType.DEALER, "liveness-probe", sockets.publicKey(),
					ZmqSockets.NO_LISTENER);
			this.dealer.connect(this.address);
			poller.register(this.dealer, SocketPoller.POLLIN);
			this.nextProbeNanos = System.nanoTime() + EndpointLivenessProbe.this.settings.interval().toNanos();
		}

		@Override
		protected void onPoll(SocketPoller poller) {
			receiveAnswers();
			long now = System.nanoTime();
			if (this.waiting && now - this.deadlineNanos >= 0) {
				this.waiting = false;
				missed(now);
			}
			if (!this.waiting && now - this.nextProbeNanos >= 0 && !this.dead) {
				send(now);
			}
		}

		/**
		 * Any answer counts, a late one to an earlier probe too: it proves that the endpoint's
		 * socket thread and the I/O thread under it still work (a health answer carries no id).
		 */
		private void receiveAnswers() {
			while (this.dealer.recv(ZMQ.DONTWAIT) != null) {
				while (this.dealer.hasReceiveMore()) {
					this.dealer.recv(0);
				}
				if (this.waiting) {
					this.waiting = false;
					if (this.missed > 0) {
						logger.info("Endpoint '" + this.name + "' answers its liveness probe again");
					}
					this.missed = 0;
				}
			}
		}

		private void send(long now) {
			byte[] probe = PROBE;
			this.nextProbeNanos = now + EndpointLivenessProbe.this.settings.interval().toNanos();
			if (this.dealer.send(new byte[0], ZMQ.SNDMORE | ZMQ.DONTWAIT) && this.dealer.send(probe, ZMQ.DONTWAIT)) {
				this.waiting = true;
				this.deadlineNanos = now + EndpointLivenessProbe.this.settings.timeout().toNanos();
			}
			else {
				// Not even queued: the connection is not there, or the endpoint reads nothing.
				missed(now);
			}
		}

		private void missed(long now) {
			this.missed++;
			Settings settings = EndpointLivenessProbe.this.settings;
			logger.warn("Endpoint '" + this.name + "' missed its liveness probe (" + this.missed + " of "
					+ settings.failures() + " in a row before liveness turns DOWN)");
			if (this.missed >= settings.failures()) {
				this.dead = true;
				String why = "Endpoint '" + this.name + "' did not answer " + this.missed + " liveness probes in a row "
						+ "over " + this.address + "; the agent cannot serve and must be restarted";
				logger.error(why);
				EndpointLivenessProbe.this.onDead.accept(new IllegalStateException(why));
			}
		}

		@Override
		protected long pollTimeoutMillis() {
			long next = this.waiting ? this.deadlineNanos : this.nextProbeNanos;
			long millis = TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1;
			// Bounded, so that a stop request is seen soon even if a wake-up were lost.
			return Math.max(0, Math.min(millis, 1000));
		}

		@Override
		protected boolean finished() {
			return stopRequested() || this.dead;
		}

		@Override
		protected void close() {
			if (this.dealer != null) {
				this.dealer.setLinger(0);
				this.dealer.close();
			}
		}

	}

}
