package dev.agentry.samples.verify;

import java.time.Duration;

/**
 * The shutdown settings verify-shutdown gives every agent: the chart's shape (an in-app
 * delay so that clients stop before the drain) with shorter timeouts, so that a full run
 * stays short and a hang still shows as a failure.
 */
final class VerifySettings {

	static final Duration DELAY = Duration.ofSeconds(1);

	static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

	static final Duration WORKER_JOIN_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * The drain-timeout scenario's: shorter than the slow requests it runs, and long enough
	 * that the late client, connecting half a second into it, is answered even when JeroMQ
	 * stalls its first handshake (the client retries after 2 s).
	 */
	static final Duration SHORT_DRAIN_TIMEOUT = Duration.ofSeconds(4);

	/** The slow requests' service time in the drain-timeout scenario. */
	static final Duration SLOW_REQUEST = Duration.ofSeconds(8);

	private VerifySettings() {
	}

}
