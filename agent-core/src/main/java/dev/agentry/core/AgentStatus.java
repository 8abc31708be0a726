package dev.agentry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * The agent's identity and state, shared by the health socket, the endpoints and the
 * shutdown report. Safe to read from any thread.
 */
public final class AgentStatus {

	private final String name;

	private final String instance;

	private final Instant startedAt = Instant.now();

	private final long startedNanos = System.nanoTime();

	private final AtomicReference<AgentState> state = new AtomicReference<>(AgentState.STARTING);

	private volatile IntSupplier inflight = () -> 0;

	public AgentStatus(String name) {
		this(name, name + "-" + UUID.randomUUID().toString().substring(0, 8));
	}

	public AgentStatus(String name, String instance) {
		this.name = Objects.requireNonNull(name, "name");
		this.instance = Objects.requireNonNull(instance, "instance");
	}

	public String name() {
		return this.name;
	}

	public String instance() {
		return this.instance;
	}

	public Instant startedAt() {
		return this.startedAt;
	}

	public Duration uptime() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

	public AgentState state() {
		return this.state.get();
	}

	/**
	 * Moves the state forward only: a late {@code READY} (an application ready event that
	 * arrives after a signal) must not hide a drain that has begun.
	 */
	public boolean advanceTo(AgentState next) {
		AgentState current;
		do {
			current = this.state.get();
			if (current.ordinal() >= next.ordinal()) {
				return false;
			}
		}
		while (!this.state.compareAndSet(current, next));
		return true;
	}

	/** Requests in flight across every endpoint. */
	public int inflight() {
		return this.inflight.getAsInt();
	}

	public void inflightSource(IntSupplier source) {
		this.inflight = Objects.requireNonNull(source, "source");
	}

}
