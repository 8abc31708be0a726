package dev.agentry.core.stream;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StreamsStep;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.Lifecycle;

/**
 * Runs a stream component (a spring-integration-zeromq {@code ZeroMqMessageHandler},
 * {@code ZeroMqMessageProducer} or {@code ZeroMqChannel}, or the application's own) in the
 * streams step: started with the agent, then at step 2 stopped <em>and</em> destroyed, so
 * that its sockets are closed by their own component before step 5 terminates the ZMQ
 * context. Registered as a bean in its place, the component would be destroyed only after
 * the context, which would have to close its sockets from another thread. A part of step 2:
 * the step as a whole is recorded by {@code StreamsStep}, with the worst of the streams'
 * outcomes.
 */
public final class ManagedStream extends ShutdownStep {

	private static final Log logger = LogFactory.getLog(ManagedStream.class);

	private final String name;

	private final Lifecycle lifecycle;

	private final DisposableBean disposable;

	private volatile StepOutcome outcome = StepOutcome.GRACEFUL;

	private ManagedStream(String name, Lifecycle lifecycle, DisposableBean disposable) {
		super(Step.STREAMS, name, null, null, ShutdownBudget.STREAM_CLOSE_BOUND);
		this.name = name;
		this.lifecycle = lifecycle;
		this.disposable = disposable;
	}

	/** A component that is both started and destroyed, as spring-integration's are. */
	public static <T extends Lifecycle & DisposableBean> ManagedStream of(String name, T component) {
		return new ManagedStream(name, component, component);
	}

	/** A component without lifecycle of its own, such as a {@code ZeroMqChannel}: only destroyed. */
	public static ManagedStream closing(String name, DisposableBean component) {
		return new ManagedStream(name, null, component);
	}

	public String name() {
		return this.name;
	}

	@Override
	protected void doStart() {
		if (this.lifecycle != null) {
			this.lifecycle.start();
		}
	}

	@Override
	protected String stopping() {
		return "closing";
	}

	@Override
	protected StepOutcome doStop(Completion step) {
		// The component's own close may block (spring-integration waits on its socket thread):
		// it runs on a thread of its own and is given up after the bound.
		CompletableFuture<Void> closing = CompletableFuture.runAsync(this::close, (task) -> {
			Thread thread = new Thread(task, "agent-stream-close-" + this.name);
			thread.setDaemon(true);
			thread.start();
		});
		try {
			closing.get(bound().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			this.outcome = StepOutcome.TIMEOUT;
			logger.warn("Stream '" + this.name + "' did not close within " + bound().toMillis() + " ms; left behind");
		}
		catch (ExecutionException ex) {
			this.outcome = StepOutcome.ERROR;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.outcome = StepOutcome.ERROR;
		}
		return this.outcome;
	}

	private void close() {
		try {
			if (this.lifecycle != null) {
				this.lifecycle.stop();
			}
			this.disposable.destroy();
		}
		catch (Exception ex) {
			this.outcome = StepOutcome.ERROR;
			logger.warn("Stream '" + this.name + "' did not close cleanly: " + ex);
		}
	}

	/** How the stop went; {@code graceful} until it has been stopped. */
	public StepOutcome outcome() {
		return this.outcome;
	}

	@Override
	public int getPhase() {
		return AgentPhases.STREAMS;
	}

}
