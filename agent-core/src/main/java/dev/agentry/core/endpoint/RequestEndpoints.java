package dev.agentry.core.endpoint;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.core.AgentPhases;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The agent's request endpoints as one lifecycle: they start together and drain together
 * in step 1, the callback running once the last one is done.
 */
public final class RequestEndpoints implements SmartLifecycle, DisposableBean {

	private final List<RequestEndpoint> endpoints;

	private final AgentActions actions;

	public RequestEndpoints(List<RequestEndpoint> endpoints, AgentActions actions) {
		this.endpoints = List.copyOf(endpoints);
		this.actions = actions;
	}

	public List<RequestEndpoint> all() {
		return this.endpoints;
	}

	public Optional<RequestEndpoint> get(String name) {
		return this.endpoints.stream().filter((endpoint) -> endpoint.name().equals(name)).findFirst();
	}

	/** Waits until every endpoint has drained and closed, up to {@code timeout} in all. */
	public boolean awaitStopped(java.time.Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean all = true;
		for (RequestEndpoint endpoint : this.endpoints) {
			all &= endpoint.awaitStopped(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		return all;
	}

	public int inflight() {
		return this.endpoints.stream().mapToInt(RequestEndpoint::inflight).sum();
	}

	@Override
	public void start() {
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
	public void stop() {
		this.endpoints.forEach(RequestEndpoint::stop);
	}

	@Override
	public void stop(Runnable callback) {
		if (this.endpoints.isEmpty()) {
			callback.run();
			return;
		}
		AtomicInteger left = new AtomicInteger(this.endpoints.size());
		for (RequestEndpoint endpoint : this.endpoints) {
			endpoint.stop(() -> {
				if (left.decrementAndGet() == 0) {
					callback.run();
				}
			});
		}
	}

	@Override
	public void destroy() {
		this.endpoints.forEach(RequestEndpoint::destroy);
	}

	@Override
	public boolean isRunning() {
		return this.endpoints.stream().anyMatch(RequestEndpoint::isRunning);
	}

	@Override
	public int getPhase() {
		return AgentPhases.ENDPOINTS;
	}

}
