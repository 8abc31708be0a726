package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.agentry.core.endpoint.AgentError;
import dev.agentry.core.endpoint.AgentException;
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
 */
@Component
class RegistryStore {

	private static final Log logger = LogFactory.getLog(RegistryStore.class);

	static final int MAX_INSTANCES_PER_SERVICE = 256;

	static final int MAX_SERVICES = 1024;

	static final int MAX_INSTANCES = 4096;

	private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

	record Key(String service, String instance) {
	}

	record Entry(String service, String instance, String endpoint, String healthEndpoint, Duration ttl,
			long registeredNanos, long lastSeenNanos) {

		boolean expired(long now) {
			return now - this.lastSeenNanos > this.ttl.toNanos();
		}

		Entry seen(long now) {
			return new Entry(this.service, this.instance, this.endpoint, this.healthEndpoint, this.ttl,
					this.registeredNanos, now);
		}

	}

	/**
	 * Synchronized so that the limits hold: counting and adding are one step. Heartbeats and
	 * lookups, by far the most frequent calls, do not take the lock.
	 */
	synchronized void register(String service, String instance, String endpoint, String healthEndpoint,
			Duration ttl) {
		if (!this.entries.containsKey(new Key(service, instance))) {
			checkRoom(service);
		}
		long now = System.nanoTime();
		Entry previous = this.entries.put(new Key(service, instance),
				new Entry(service, instance, endpoint, healthEndpoint, ttl, now, now));
		if (previous == null) {
			logger.info("Registered " + service + "/" + instance + " at " + endpoint + " (ttl " + ttl.toMillis() + " ms)");
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

	/** @return whether the instance is known (and now refreshed) */
	boolean heartbeat(String service, String instance) {
		long now = System.nanoTime();
		Entry refreshed = this.entries.computeIfPresent(new Key(service, instance),
				(key, entry) -> entry.expired(now) ? null : entry.seen(now));
		return refreshed != null;
	}

	boolean deregister(String service, String instance) {
		boolean removed = this.entries.remove(new Key(service, instance)) != null;
		if (removed) {
			logger.info("Deregistered " + service + "/" + instance);
		}
		return removed;
	}

	/** Live entries of one service, or of all when {@code service} is null, oldest first. */
	List<Entry> lookup(String service) {
		long now = System.nanoTime();
		return this.entries.values()
			.stream()
			.filter((entry) -> service == null || entry.service().equals(service))
			.filter((entry) -> !entry.expired(now))
			.sorted(Comparator.comparingLong(Entry::registeredNanos))
			.toList();
	}

	void expire() {
		long now = System.nanoTime();
		this.entries.forEach((key, entry) -> {
			if (entry.expired(now) && this.entries.remove(key, entry)) {
				logger.info("Expired " + key.service() + "/" + key.instance() + ": no heartbeat for "
						+ entry.ttl().toMillis() + " ms");
			}
		});
	}

}
