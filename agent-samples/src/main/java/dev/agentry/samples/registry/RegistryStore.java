package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * The registry's entries, in memory, safe under concurrent calls: each entry is replaced
 * whole and atomically, and expires when its TTL passes without a heartbeat.
 * <p>
 * Bounded, so that registrations cannot exhaust the heap: with entries of at most 4 KB,
 * {@link #MAX_INSTANCES} entries stay under 16 MB. {@link #MAX_INSTANCES_PER_SERVICE}
 * is far above any sample fleet (and, at 4 KB each, about what fits in a 1 MB
 * {@code lookup} reply); {@link #MAX_SERVICES} is far above the five sample agents. A
 * registration past a limit is answered {@code unavailable} (retryable: room comes back as
 * entries expire or deregister); a registration that replaces an existing entry always fits.
 * <p>
 * <b>Ownership.</b> An entry belongs to the identity that registered it (the caller's CURVE
 * key, or without CURVE the routing id it chose, or {@code null} for an anonymous peer, so
 * that anonymous peers work as they always did). Only that identity may heartbeat,
 * deregister or register it again; anyone else is answered {@code forbidden} and the entry
 * stays as it is, even once it looks expired: another identity gets the name only after the
 * sweep has removed it.
 * <p>
 * <b>Expiry and self-preservation.</b> Only {@link #expire()}, the sweep, removes expired
 * entries: heartbeats refresh and lookups list whatever the store holds, so that an entry
 * the sweep kept is really kept. A sweep expires nothing, and logs one WARN, when
 * <ul>
 * <li>the registry itself stalled: the sweep ran late by more than half the (shortest) TTL
 * of the entries it would expire (a SIGSTOP, a long GC pause, CPU starvation). Heartbeats
 * could not be heard meanwhile, so the entries are then measured from the end of the stall
 * on: each gets a full TTL to heartbeat again;</li>
 * <li>it would expire more than half of all instances at once, and at least
 * {@link #MASS_EXPIRY_MINIMUM} of them (a partition between the registry and its fleet
 * looks like that). This protection lasts at most the longest TTL among those entries:
 * entries that are still silent after it are really gone and expire in a later sweep. So
 * a lone dead instance, or two of two, expire as usual (with so few the share says
 * nothing), and a whole fleet that really went away leaves one TTL late instead of never
 * (Eureka's self-preservation can keep dead instances forever).</li>
 * </ul>
 */
@Component
class RegistryStore {

	private static final Log logger = LogFactory.getLog(RegistryStore.class);

	static final int MAX_INSTANCES_PER_SERVICE = 256;

	static final int MAX_SERVICES = 1024;

	static final int MAX_INSTANCES = 4096;

	/** How often the registry's {@code expiry} worker sweeps. */
	static final Duration SWEEP_INTERVAL = Duration.ofMillis(250);

	/** The fewest expiries in one sweep that can count as a mass expiry (see the class comment). */
	static final int MASS_EXPIRY_MINIMUM = 3;

	/** How many refused identities are logged (once each); past it refusals are only counted. */
	static final int MAX_REFUSALS_LOGGED = 1024;

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	private final LongSupplier clock;

	/** When the last sweep ran; 0 before the first. Only the sweep reads and writes it. */
	private long lastSweepNanos;

	/** Since when the current mass-expiry protection holds; 0 when none does. Sweep only. */
	private long protectedSinceNanos;

	/** The end of the last stall, from which silence counts; 0 when none happened. Sweep only. */
	private long countFromNanos;

	/** Identities refused for each reason, logged once each (bounded: a flood cannot fill the heap). */
	private final Map<String, Boolean> refusalsLogged = new ConcurrentHashMap<>();

	RegistryStore() {
		this(System::nanoTime);
	}

	/** With a clock of {@link System#nanoTime()}'s kind, for tests. */
	RegistryStore(LongSupplier clock) {
		this.clock = clock;
	}

	/** The store's clock, which {@link Entry}'s times are read on. */
	long now() {
		return this.clock.getAsLong();
	}

	record Key(String service, String instance) {
	}

	/**
	 * @param owner the identity that registered it ({@code null}: an anonymous peer)
	 * @param publicKey the CURVE key it serves under, shown by {@code lookup}; {@code null}
	 * without CURVE
	 */
	record Entry(String service, String instance, String endpoint, String healthEndpoint, Duration ttl,
			long registeredNanos, long lastSeenNanos, String owner, String publicKey) {

		Entry(String service, String instance, String endpoint, String healthEndpoint, Duration ttl,
				long registeredNanos, long lastSeenNanos) {
			this(service, instance, endpoint, healthEndpoint, ttl, registeredNanos, lastSeenNanos, null, null);
		}

		/** Expired when silent for its TTL, time before {@code countFrom} not counted. */
		boolean expired(long now, long countFrom) {
			long since = (countFrom != 0 && countFrom - this.lastSeenNanos > 0) ? countFrom : this.lastSeenNanos;
			return now - since > this.ttl.toNanos();
		}

		Entry seen(long now) {
			return new Entry(this.service, this.instance, this.endpoint, this.healthEndpoint, this.ttl,
					this.registeredNanos, now, this.owner, this.publicKey);
		}

	}

	/** Registers for an anonymous peer without CURVE (as before ownership). */
	void register(String service, String instance, String endpoint, String healthEndpoint, Duration ttl) {
		register(service, instance, endpoint, healthEndpoint, ttl, null, null);
	}

	/**
	 * Synchronized so that the limits and ownership hold: checking and adding are one step.
	 * Heartbeats and lookups, by far the most frequent calls, do not take the lock.
	 * @throws AgentException {@code forbidden} when another identity owns the instance
	 */
	synchronized void register(String service, String instance, String endpoint, String healthEndpoint,
			Duration ttl, String owner, String publicKey) {
		Key key = new Key(service, instance);
		Entry existing = this.entries.get(key);
		if (existing == null) {
			checkRoom(service);
		}
		else {
			checkOwner(existing, owner, "register");
		}
		long now = this.clock.getAsLong();
		this.entries.put(key, new Entry(service, instance, endpoint, healthEndpoint, ttl, now, now, owner, publicKey));
		if (existing == null) {
			logger.info("Registered " + service + "/" + instance + " at " + endpoint + " (ttl " + ttl.toMillis() + " ms"
					+ ((publicKey != null) ? ", key " + publicKey : "") + ")");
		}
	}

	private void checkRoom(String service) {
		if (this.entries.size() >= MAX_INSTANCES) {
			throw full("the registry holds its limit of " + MAX_INSTANCES + " instances");
		}
		long ofService = this.entries.keySet().stream().filter((key) -> key.service().equals(service)).count();
		if (ofService >= MAX_INSTANCES_PER_SERVICE) {
			throw full("service '" + service + "' has its limit of " + MAX_INSTANCES_PER_SERVICE + " instances");
		}
		if (ofService == 0 && this.entries.keySet().stream().map(Key::service).distinct().count() >= MAX_SERVICES) {
			throw full("the registry holds its limit of " + MAX_SERVICES + " services");
		}
	}

	private static AgentException full(String why) {
		return new AgentException(AgentError.UNAVAILABLE, why + "; try again when entries expire or deregister");
	}

	private void checkOwner(Entry entry, String caller, String action) {
		if (Objects.equals(entry.owner(), caller)) {
			return;
		}
		String who = (caller != null) ? caller : "an anonymous peer";
		if (this.refusalsLogged.size() < MAX_REFUSALS_LOGGED
				&& this.refusalsLogged.putIfAbsent(action + " " + who, Boolean.TRUE) == null) {
			logger.warn("Refused " + action + " of " + entry.service() + "/" + entry.instance() + " by " + who
					+ ": another identity registered it (logged once per identity and action)");
		}
		throw new AgentException(AgentError.FORBIDDEN, "instance " + entry.service() + "/" + entry.instance()
				+ " belongs to the identity that registered it; only that identity may " + action + " it");
	}

	/** A heartbeat of an anonymous peer without CURVE (as before ownership). */
	boolean heartbeat(String service, String instance) {
		return heartbeat(service, instance, null);
	}

	/**
	 * Refreshes an entry the store holds, even one that looks expired but that a sweep kept
	 * (self-preservation): the instance is alive after all.
	 * @return whether the instance is known (and now refreshed)
	 * @throws AgentException {@code forbidden} when another identity owns the instance
	 */
	boolean heartbeat(String service, String instance, String caller) {
		Key key = new Key(service, instance);
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return false;
		}
		checkOwner(entry, caller, "heartbeat");
		long now = this.clock.getAsLong();
		// Only while the caller still owns it (it may have gone and been taken by another
		// identity since the check), and never resurrecting an entry that is gone.
		boolean[] refreshed = { false };
		this.entries.computeIfPresent(key, (k, current) -> {
			refreshed[0] = Objects.equals(current.owner(), caller);
			return refreshed[0] ? current.seen(now) : current;
		});
		return refreshed[0];
	}

	/** A deregistration of an anonymous peer without CURVE (as before ownership). */
	boolean deregister(String service, String instance) {
		return deregister(service, instance, null);
	}

	/** @throws AgentException {@code forbidden} when another identity owns the instance */
	boolean deregister(String service, String instance, String caller) {
		Key key = new Key(service, instance);
		Entry entry = this.entries.get(key);
		if (entry == null) {
			return false;
		}
		checkOwner(entry, caller, "deregister");
		boolean removed = this.entries.remove(key, entry);
		if (removed) {
			logger.info("Deregistered " + service + "/" + instance);
		}
		return removed;
	}

	/**
	 * The entries of one service, or of all when {@code service} is null, oldest first:
	 * whatever the store holds, because only the sweep decides what has expired.
	 */
	List<Entry> lookup(String service) {
		return this.entries.values()
			.stream()
			.filter((entry) -> service == null || entry.service().equals(service))
			.sorted(Comparator.comparingLong(Entry::registeredNanos))
			.toList();
	}

	/**
	 * One sweep: removes the entries silent for their TTL, unless self-preservation (see the
	 * class comment) says that this sweep must expire nothing. Called by one thread only.
	 */
	void expire() {
		long now = this.clock.getAsLong();
		long previous = this.lastSweepNanos;
		this.lastSweepNanos = now;
		List<Map.Entry<Key, Entry>> silent = new ArrayList<>();
		this.entries.entrySet().forEach((entry) -> {
			if (entry.getValue().expired(now, this.countFromNanos)) {
				silent.add(Map.entry(entry.getKey(), entry.getValue()));
			}
		});
		if (silent.isEmpty()) {
			this.protectedSinceNanos = 0;
			return;
		}
		long shortestTtl = silent.stream().mapToLong((entry) -> entry.getValue().ttl().toNanos()).min().getAsLong();
		long late = (previous != 0) ? now - previous - SWEEP_INTERVAL.toNanos() : 0;
		if (late > shortestTtl / 2) {
			// The registry was not listening: heartbeats it could not hear are no evidence.
			this.countFromNanos = now;
			this.protectedSinceNanos = 0;
			logger.warn("Self-preservation: the registry itself stalled (its sweep ran " + Duration.ofNanos(late).toMillis()
					+ " ms late, over half a TTL); expiring none of the " + silent.size()
					+ " instance(s) that look expired: each gets a full TTL from now to heartbeat again");
			return;
		}
		int total = this.entries.size();
		if (silent.size() >= MASS_EXPIRY_MINIMUM && 2L * silent.size() > total) {
			long longestTtl = silent.stream().mapToLong((entry) -> entry.getValue().ttl().toNanos()).max().getAsLong();
			if (this.protectedSinceNanos == 0) {
				this.protectedSinceNanos = now;
				logger.warn("Self-preservation: a sweep would expire " + silent.size() + " of " + total
						+ " instances at once; expiring none for up to " + Duration.ofNanos(longestTtl).toMillis()
						+ " ms (those still silent then are gone)");
				return;
			}
			if (now - this.protectedSinceNanos <= longestTtl) {
				return;
			}
			logger.warn("Self-preservation ends: " + silent.size() + " of " + total + " instances stayed silent for "
					+ Duration.ofNanos(now - this.protectedSinceNanos).toMillis() + " ms more; expiring them");
		}
		this.protectedSinceNanos = 0;
		for (Map.Entry<Key, Entry> entry : silent) {
			if (this.entries.remove(entry.getKey(), entry.getValue())) {
				logger.info("Expired " + entry.getKey().service() + "/" + entry.getKey().instance() + ": no heartbeat for "
						+ entry.getValue().ttl().toMillis() + " ms");
			}
		}
	}

}
