package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.ShutdownStep;
import dev.agentry.core.shutdown.Step;

import org.springframework.beans.factory.DisposableBean;

/**
 * The agent's request endpoints as one lifecycle: they start together and drain together
 * in step 1 ({@link DrainStep} holds the policy) on a thread of their own, so that the
 * phase's other stops are not held up; the step's bound and its records are
 * {@link ShutdownStep}'s. Applications look endpoints up here, to cancel a request say.
 */
public final class RequestEndpoints extends ShutdownStep implements DisposableBean {

	private final List<RequestEndpoint> endpoints;

	private final AgentActions actions;

	private final DrainStep drain;

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

	/** Waits until every endpoint has drained and closed, up to {@code timeout} in all. */
	public boolean awaitStopped(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean all = true;
		for (RequestEndpoint endpoint : this.endpoints) {
			all &= endpoint.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		return all;
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
		Thread thread = new Thread(() -> done.complete(this.drain.drain(done::part)), "agent-endpoints-drain");
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
