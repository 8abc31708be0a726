package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.shutdown.StepOutcome;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

/**
 * The agent's request endpoints as one lifecycle: they start together and drain together
 * in step 1 ({@link DrainStep} holds the policy) on a thread of their own, so that the
 * phase's other stops are not held up; the step's bound and its records are
 * {@link ShutdownStep}'s. Applications look endpoints up here, to cancel a request say.
 */
public final class RequestEndpoints extends ShutdownStep implements DisposableBean {

	private static final Log logger = LogFactory.getLog(RequestEndpoints.class);

	private final List<RequestEndpoint> endpoints;

	private final AgentActions actions;

	private final DrainStep drain;

	/** Counted down once the drain has ended and been recorded. */
	private final CountDownLatch drained = new CountDownLatch(1);

	private volatile boolean draining;

	/**
	 * @param budget gives the drain timeout and the step's bound, the drain with the flush of
	 * the last replies
	 */
	public RequestEndpoints(List<RequestEndpoint> endpoints, AgentActions actions, ShutdownBudget budget,
			ShutdownRecorder recorder) {
		super(Step.ENDPOINTS, null, null, recorder, budget.endpointsBound());
		this.endpoints = List.copyOf(endpoints);
		this.actions = actions;
		this.drain = new DrainStep(this.endpoints, budget.drainTimeout(),
				budget.endpointsBound().minus(budget.drainTimeout()));
	}

	public List<RequestEndpoint> all() {
		return this.endpoints;
	}

	public Optional<RequestEndpoint> get(String name) {
		return this.endpoints.stream().filter((endpoint) -> endpoint.name().equals(name)).findFirst();
	}

	/**
	 * Waits until step 1 has ended and been recorded, up to {@code timeout}: a later phase
	 * whose bean depends on the endpoints can start before it (Spring counts the dependant's
	 * stop against the endpoints' phase), and must neither cut the drain short nor record its
	 * own step first.
	 */
	public boolean awaitStopped(Duration timeout) {
		if (!this.draining) {
			return this.endpoints.stream().noneMatch(RequestEndpoint::isRunning);
		}
		try {
			return this.drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	public int inflight() {
		return this.endpoints.stream().mapToInt(RequestEndpoint::inflight).sum();
	}

	@Override
	protected void doStart() {
		for (String endpoint : this.actions.endpoints()) {
			if (get(endpoint).isEmpty()) {
				throw new IllegalStateException("Actions " + this.actions.actions(endpoint) + " name endpoint '"
						+ endpoint + "', which is not configured (agent.endpoint.bind for 'main', "
						+ "agent.endpoints." + endpoint + ".bind for others, or it is set to none)");
			}
		}
		this.endpoints.forEach(RequestEndpoint::start);
	}

	@Override
	protected String stopping() {
		return "draining " + this.endpoints.size() + " endpoint(s), " + inflight() + " request(s) in flight";
	}

	@Override
	protected void doStopAsync(Completion done) {
		this.draining = true;
		Thread thread = new Thread(() -> {
			try {
				done.complete(this.drain.drain(done::part));
			}
			catch (RuntimeException | Error ex) {
				logger.error(Step.ENDPOINTS.prefix() + " failed", ex);
				done.complete(StepOutcome.ERROR);
			}
			finally {
				this.drained.countDown();
			}
		}, "agent-endpoints-drain");
		// Daemon: the step's own bound ends it; it must never hold the JVM.
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void destroy() {
		// A context whose refresh failed is destroyed without being stopped.
		if (isRunning()) {
			stop();
		}
	}

	@Override
	public int getPhase() {
		return AgentPhases.ENDPOINTS;
	}

}
