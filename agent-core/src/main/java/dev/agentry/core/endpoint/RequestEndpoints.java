package dev.agentry.core.endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.shutdown.ShutdownRecorder;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The agent's request endpoints as one lifecycle: they start together and drain together
 * in step 1 ({@link DrainStep} holds the policy), the callback running once the last one is
 * done. Applications look endpoints up here, to cancel a request say.
 */
public final class RequestEndpoints implements SmartLifecycle, DisposableBean {

	/**
	 * Beyond the socket's linger, what forcing what is left may take: the loop's thread
	 * answers it at its next wake-up, well within this.
	 */
	private static final Duration FORCE_MARGIN = Duration.ofSeconds(5);

	private final List<RequestEndpoint> endpoints;

	private final AgentActions actions;

	private final DrainStep drain;

	/**
	 * @param drainTimeout {@code agent.shutdown.drain-timeout}
	 * @param linger the sockets' linger, which bounds the flush of the last replies
	 */
	public RequestEndpoints(List<RequestEndpoint> endpoints, AgentActions actions, Duration drainTimeout,
			Duration linger, ShutdownRecorder recorder) {
		this.endpoints = List.copyOf(endpoints);
		this.actions = actions;
		this.drain = new DrainStep(this.endpoints, drainTimeout, linger.plus(FORCE_MARGIN), recorder);
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
		CountDownLatch done = new CountDownLatch(1);
		this.drain.stop(done::countDown);
		try {
			done.await(this.drain.bound().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop(Runnable callback) {
		this.drain.stop(callback);
	}

	@Override
	public void destroy() {
		// A context whose refresh failed is destroyed without being stopped.
		if (isRunning()) {
			stop();
		}
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
