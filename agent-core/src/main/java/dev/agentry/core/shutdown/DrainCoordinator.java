package dev.agentry.core.shutdown;

import java.time.Duration;
import java.util.List;

import dev.agentry.core.AgentState;
import dev.agentry.core.AgentStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * Step 0, on {@link ContextClosedEvent}, before any lifecycle bean stops: readiness goes
 * {@code REFUSING_TRAFFIC} (Spring Boot only does that itself in web contexts, and only
 * later), the agent's state goes {@code draining}, the drain listeners deregister, and the
 * agent keeps serving for {@code agent.shutdown.delay} while load balancers and peers
 * notice.
 */
final class DrainCoordinator implements ApplicationListener<ContextClosedEvent>, Ordered {

	/** The thread on which Spring Boot's JVM shutdown hook closes the context after SIGTERM or SIGINT. */
	static final String SHUTDOWN_HOOK_THREAD = "SpringApplicationShutdownHook";

	private static final Log logger = LogFactory.getLog(DrainCoordinator.class);

	private final ApplicationContext context;

	private final AgentStatus status;

	private final ShutdownRecorder recorder;

	private final List<DrainListener> listeners;

	private final Duration delay;

	public DrainCoordinator(ApplicationContext context, AgentStatus status, ShutdownRecorder recorder,
			List<DrainListener> listeners, Duration delay) {
		this.context = context;
		this.status = status;
		this.recorder = recorder;
		this.listeners = List.copyOf(listeners);
		this.delay = delay;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() != this.context || !this.recorder.begin(reason())) {
			return;
		}
		logger.info("Shutdown of agent '" + this.status.name() + "' (" + this.status.instance() + ") begins, reason "
				+ this.recorder.reason().wireName());
		StepRun run = StepRun.begin(Step.DELAY, null, "agent", this.recorder,
				"readiness REFUSING_TRAFFIC, state draining, serving for another " + this.delay.toMillis() + " ms");
		this.status.advanceTo(AgentState.DRAINING);
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		StepOutcome outcome = notifyListeners();
		run.end(outcome.worst(sleep(this.delay)));
	}

	private ShutdownReason reason() {
		if (SHUTDOWN_HOOK_THREAD.equals(Thread.currentThread().getName())) {
			return ShutdownReason.SIGNAL;
		}
		return (this.status.state() == AgentState.STARTING) ? ShutdownReason.STARTUP_FAILURE
				: ShutdownReason.APPLICATION;
	}

	private StepOutcome notifyListeners() {
		StepOutcome outcome = StepOutcome.GRACEFUL;
		for (DrainListener listener : this.listeners) {
			try {
				listener.onDrainStart();
			}
			catch (RuntimeException ex) {
				logger.warn("A drain listener failed; the shutdown goes on", ex);
				outcome = StepOutcome.ERROR;
			}
		}
		return outcome;
	}

	private static StepOutcome sleep(Duration delay) {
		if (delay.isZero() || delay.isNegative()) {
			return StepOutcome.GRACEFUL;
		}
		try {
			Thread.sleep(delay.toMillis());
			return StepOutcome.GRACEFUL;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return StepOutcome.ERROR;
		}
	}

	@Override
	public int getOrder() {
		// First among the close listeners, so that the drain is announced before anything winds down.
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
