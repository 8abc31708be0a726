package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * The registry's entries, in memory, safe under concurrent calls: each entry is replaced
 * whole and atomically, and expires when its TTL passes without a heartbeat.
 */
@Component
class RegistryStore {

	private static final Log logger = LogFactory.getLog(RegistryStore.class);

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

	void register(String service, String instance, String endpoint, String healthEndpoint, Duration ttl) {
		long now = System.nanoTime();
		Entry previous = this.entries.put(new Key(service, instance),
				new Entry(service, instance, endpoint, healthEndpoint, ttl, now, now));
		if (previous == null) {
			logger.info("Registered " + service + "/" + instance + " at " + endpoint + " (ttl " + ttl.toMillis() + " ms)");
		}
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
