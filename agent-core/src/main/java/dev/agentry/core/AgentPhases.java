package dev.agentry.core;

import org.springframework.context.SmartLifecycle;

/**
 * The stop order of an agent, as {@link SmartLifecycle} phases. Spring stops the highest
 * phase first, so the endpoints drain before the streams, workers, health socket and ZMQ
 * context close, and all of them before Spring Boot's web server (phases below
 * {@code DEFAULT_PHASE - 1024}), which keeps Actuator reachable through the whole drain.
 */
public final class AgentPhases {

	/** Step 1: request endpoints drain. */
	public static final int ENDPOINTS = SmartLifecycle.DEFAULT_PHASE - 100;

	/**
	 * Not a step: the endpoints' liveness probe starts after them and stops just before they
	 * drain, so that a drain is never taken for an endpoint that cannot serve.
	 */
	public static final int LIVENESS_PROBE = ENDPOINTS + 50;

	/** Step 2: PUB/SUB, PUSH/PULL and spring-integration-zeromq components. */
	public static final int STREAMS = SmartLifecycle.DEFAULT_PHASE - 200;

	/** Step 3: workers are signalled and joined. */
	public static final int WORKERS = SmartLifecycle.DEFAULT_PHASE - 300;

	/** Step 4: the health socket stops answering {@code draining} and closes. */
	public static final int HEALTH = SmartLifecycle.DEFAULT_PHASE - 400;

	/**
	 * Agent clients close after the workers and handlers that call through them, and before the
	 * context they belong to. Reported under the {@code context} step.
	 */
	public static final int CLIENTS = SmartLifecycle.DEFAULT_PHASE - 450;

	/** Step 5: the ZMQ context terminates, with a watchdog. */
	public static final int CONTEXT = SmartLifecycle.DEFAULT_PHASE - 500;

	/**
	 * Step 6: Spring Boot's web server stops taking HTTP requests and lets the running ones end
	 * ({@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}, written out so that
	 * agent-core needs no web server). Not agent-core's: named here because agent-core bounds
	 * its wait, which Spring would otherwise let run to spring.lifecycle.timeout-per-shutdown-phase.
	 */
	public static final int WEB_SERVER = SmartLifecycle.DEFAULT_PHASE - 1024;

	/** Step 7: the report is written once every other lifecycle, the web server included, has stopped. */
	public static final int REPORT = Integer.MIN_VALUE;

	private AgentPhases() {
	}

}
