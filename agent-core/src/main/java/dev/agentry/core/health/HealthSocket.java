package dev.agentry.core.health;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.AgentState;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.zmq.Envelope;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The health socket: a REP-compatible ROUTER that answers any request with the agent's
 * state. It keeps answering ({@code draining}) through steps 0 to 3 so that peers and the
 * observability hub see the drain, and closes at step 4.
 */
public final class HealthSocket implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(HealthSocket.class);

	private static final int BATCH = 256;

	private final String bind;

	private final ZmqSockets sockets;

	private final AgentStatus status;

	private final Supplier<byte[]> replies;

	private final ShutdownRecorder recorder;

	private final Consumer<Throwable> onCrash;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private volatile Loop loop;

	private volatile String boundEndpoint;

	public HealthSocket(String bind, ZmqSockets sockets, AgentStatus status, Supplier<byte[]> replies,
			ShutdownRecorder recorder, Consumer<Throwable> onCrash) {
		this.bind = bind;
		this.sockets = sockets;
		this.status = status;
		this.replies = replies;
		this.recorder = recorder;
		this.onCrash = onCrash;
	}

	public String boundEndpoint() {
		return this.boundEndpoint;
	}

	@Override
	public synchronized void start() {
		if (this.loop != null) {
			return;
		}
		Loop started = new Loop();
		started.start(Duration.ofSeconds(30));
		this.loop = started;
		logger.info("Health socket bound to " + this.boundEndpoint);
	}

	@Override
	public void stop() {
		Loop current = this.loop;
		if (current == null || !this.stopped.compareAndSet(false, true)) {
			return;
		}
		long start = System.nanoTime();
		logger.info("Shutdown step 4 (health): closing the health socket");
		this.status.advanceTo(AgentState.STOPPING);
		current.requestStop();
		boolean closed = current.awaitTermination(this.sockets.linger().plusSeconds(2));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		StepOutcome outcome = closed ? StepOutcome.GRACEFUL : StepOutcome.TIMEOUT;
		this.recorder.record("health", "health-socket", took, outcome);
		logger.info("Shutdown step 4 (health) done in " + took.toMillis() + " ms (" + outcome.wireName() + ")");
	}

	@Override
	public void destroy() {
		stop();
	}

	@Override
	public boolean isRunning() {
		Loop current = this.loop;
		return current != null && !current.isTerminated() && !this.stopped.get();
	}

	@Override
	public int getPhase() {
		return AgentPhases.HEALTH;
	}

	private final class Loop extends ZmqLoop {

		private ZMQ.Socket router;

		private int routerIndex;

		Loop() {
			super("agent-health", sockets.context(), onCrash);
		}

		@Override
		protected void open(ZMQ.Poller poller) {
			this.router = sockets.server(SocketType.ROUTER, "health");
			this.router.bind(bind);
			boundEndpoint = this.router.getLastEndpoint();
			this.routerIndex = poller.register(this.router, ZMQ.Poller.POLLIN);
		}

		@Override
		protected void onPoll(ZMQ.Poller poller) {
			if (!poller.pollin(this.routerIndex)) {
				return;
			}
			// A bounded batch, so that a peer flooding health checks cannot keep the loop from its stop.
			for (int i = 0; i < BATCH && !stopRequested(); i++) {
				Envelope request = Envelope.receive(this.router);
				if (request == null) {
					return;
				}
				request.reply(this.router, replies.get());
			}
			wakeup();
		}

		@Override
		protected long pollTimeoutMillis() {
			return -1;
		}

		@Override
		protected boolean finished() {
			return stopRequested();
		}

		@Override
		protected void close() {
			if (this.router != null) {
				this.router.close();
			}
		}

	}

}
