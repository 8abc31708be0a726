package dev.agentry.core.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.core.wire.AgentError;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The client's retry rule, in one place: a call goes to the endpoints in turn, each once,
 * starting one further along for every call; an error that {@link AgentError#retryable()}
 * says is worth another instance ({@code unavailable}: draining or overloaded;
 * {@code timeout}: past a deadline, or cut short by the peer's drain) moves it on to the next
 * endpoint, whether a peer replied it or the client found it (no connection, a dropped one,
 * no reply within the attempt's time); any other error, or the last endpoint's, is the call's
 * reply. Each attempt has the call's timeout. An endpoint that cannot be connected is passed
 * over and tried again after a back-off.
 * <p>
 * The client's loop asks this class and does what it says; it knows nothing of sockets.
 */
final class RetryPolicy {

	/** How long a new connection may take before a request queued for it moves on. */
	static final Duration CONNECT_GRACE = Duration.ofSeconds(1);

	/**
	 * When to try again an endpoint that could not be connected: JeroMQ resolves the host
	 * inside {@code connect()}, on the loop's thread, so each try costs a name look-up there.
	 * It starts at 250 ms, because a new Service or container name usually resolves within a
	 * moment, and doubles up to 5 s.
	 */
	static final Duration RECONNECT_FIRST = Duration.ofMillis(250);

	static final Duration RECONNECT_LONGEST = Duration.ofSeconds(5);

	private final AtomicInteger nextFirst = new AtomicInteger();

	private final long connectGraceNanos;

	private final BackOff reconnect;

	RetryPolicy() {
		this(CONNECT_GRACE, backOff(RECONNECT_FIRST, RECONNECT_LONGEST));
	}

	RetryPolicy(Duration connectGrace, BackOff reconnect) {
		this.connectGraceNanos = connectGrace.toNanos();
		this.reconnect = reconnect;
	}

	/** Doubles from {@code first} up to {@code longest}, for ever (no attempt or time limit). */
	static ExponentialBackOff backOff(Duration first, Duration longest) {
		ExponentialBackOff backOff = new ExponentialBackOff(first.toMillis(), 2);
		backOff.setMaxInterval(longest.toMillis());
		return backOff;
	}

	/** The endpoints one call tries, in order: each once, the first one further along for each call. */
	List<String> order(List<String> known) {
		if (known == null || known.isEmpty()) {
			return List.of();
		}
		int first = Math.floorMod(this.nextFirst.getAndIncrement(), known.size());
		List<String> ordered = new ArrayList<>(known.size());
		for (int i = 0; i < known.size(); i++) {
			ordered.add(known.get((first + i) % known.size()));
		}
		return ordered;
	}

	/**
	 * How long a caller waits for a call over {@code endpoints} at most: every attempt's time
	 * and connect grace, and a second for the hand-overs.
	 */
	Duration callBound(Duration attemptTimeout, int endpoints) {
		int attempts = Math.max(1, endpoints);
		return attemptTimeout.plusNanos(this.connectGraceNanos).multipliedBy(attempts).plusSeconds(1);
	}

	/** When an attempt started {@code now} ends without a reply. */
	long deadline(Call call, long now) {
		return now + call.attemptTimeout().toNanos();
	}

	boolean expired(Call call, long now) {
		return now - call.deadline() >= 0;
	}

	/** Whether {@code error} moves the call on to its next endpoint; otherwise it is the call's reply. */
	boolean retries(Call call, AgentError error) {
		return error != null && error.retryable() && call.hasNext();
	}

	/**
	 * Whether a call stops waiting for the connection to its endpoint, {@code connectionAge}
	 * old: with another endpoint to try, a connection that is not up after the connect grace
	 * is given up; with none, the call waits for it until its deadline.
	 */
	boolean stopsWaiting(Call call, long connectionAge, long now) {
		return (connectionAge > this.connectGraceNanos && call.hasNext()) || expired(call, now);
	}

	/**
	 * Whether a call whose connection dropped waits for it to come back: only on its last
	 * endpoint and within its deadline; otherwise it moves on ({@code unavailable}).
	 */
	boolean waitsForReconnect(Call call, long now) {
		return !call.hasNext() && !expired(call, now);
	}

	/** The waits before an endpoint that could not be connected is tried again. */
	BackOff reconnectBackOff() {
		return this.reconnect;
	}

}
