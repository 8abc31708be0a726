package dev.agentry.core.health;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.AgentState;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.zmq.Envelope;
import dev.agentry.core.zmq.SocketPoller;
import dev.agentry.core.zmq.ZmqLoop;
import dev.agentry.core.zmq.ZmqSockets;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import org.springframework.beans.factory.DisposableBean;

/**
 * The health socket: a REP-compatible ROUTER that answers any request with the agent's
 * state. It keeps answering ({@code draining}) through steps 0 to 3 so that peers and the
 * observability hub see the drain, and closes at step 4.
 */
public final class HealthSocket extends ShutdownStep implements DisposableBean {

	private static final Log logger = LogFactory.getLog(HealthSocket.class);

	private static final int BATCH = 256;

	private final String bind;

	private final ZmqSockets sockets;

	private final AgentStatus status;

	private final Supplier<byte[]> replies;

	private final Consumer<Throwable> onCrash;

	private volatile Loop loop;

	private volatile String boundEndpoint;

	public HealthSocket(String bind, ZmqSockets sockets, AgentStatus status, Supplier<byte[]> replies,
			ShutdownRecorder recorder, Consumer<Throwable> onCrash) {
		// The loop's socket closes with linger; the margin is for the loop's end.
		super(Step.HEALTH, null, "health-socket", recorder, ShutdownBudget.socketCloseBound(sockets.linger()));
		this.bind = bind;
		this.sockets = sockets;
		this.status = status;
		this.replies = replies;
		this.onCrash = onCrash;
	}

	public String boundEndpoint() {
		return this.boundEndpoint;
	}

	/** How many times the health socket's thread has polled so far (0 before it starts). */
	long polls() {
		Loop current = this.loop;
		return (current != null) ? current.polls() : 0;
	}

	@Override
	protected void doStart() {
		Loop started = new Loop();
		started.start(Duration.ofSeconds(30));
		this.loop = started;
		logger.info("Health socket bound to " + this.boundEndpoint);
	}

	@Override
	protected String stopping() {
		return "closing the health socket";
	}

	@Override
	protected StepOutcome doStop(Completion step) {
		this.status.advanceTo(AgentState.STOPPING);
		this.loop.requestStop();
		return this.loop.awaitTermination(bound()) ? StepOutcome.GRACEFUL : StepOutcome.TIMEOUT;
	}

	@Override
	public void destroy() {
		stop();
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
		protected void open(SocketPoller poller) {
			this.router = sockets.server(SocketType.ROUTER, "health");
			this.router.bind(bind);
			boundEndpoint = this.router.getLastEndpoint();
			this.routerIndex = poller.register(this.router, SocketPoller.POLLIN);
		}

		@Override
		protected void onPoll(SocketPoller poller) {
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
			// More left: the loop asks the socket before it waits, and comes back at once.
		}



		@Override
		protected void close() {
			if (this.router != null) {
				this.router.close();
			}
		}

	}

}
