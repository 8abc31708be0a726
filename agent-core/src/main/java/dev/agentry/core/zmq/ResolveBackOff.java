package dev.agentry.core.zmq;

import java.time.Duration;

/**
 * How often to try again a {@code tcp://} peer whose host name does not resolve: JeroMQ
 * resolves it inside {@code connect()}, on the caller's thread, so each try costs a name
 * look-up there. Starts at 250 ms, because a new Service or container name usually resolves
 * within a moment, and doubles up to 5 s.
 */
public final class ResolveBackOff {

	public static final Duration FIRST = Duration.ofMillis(250);

	public static final Duration LONGEST = Duration.ofSeconds(5);

	private ResolveBackOff() {
	}

	/** The wait after {@code last}: twice as long, at most {@link #LONGEST}. */
	public static Duration after(Duration last) {
		Duration doubled = last.multipliedBy(2);
		return (doubled.compareTo(LONGEST) > 0) ? LONGEST : doubled;
	}

}
