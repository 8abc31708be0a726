package dev.agentry.samples.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.agentry.core.registry.RegisteredInstance;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Which registered instances the hub polls, so that whoever can register cannot point the
 * hub at any host and port, nor make it open sockets or metric series without bound.
 * <ul>
 * <li>Only what the registry lists, and only a health endpoint on the host of the
 * instance's own endpoint: an entry whose {@code health_endpoint} names another host is
 * skipped (and logged once).</li>
 * <li>With CURVE on, only instances that registered a {@code public_key}: the poll is
 * pinned to it, so it reaches only the holder of the key that the registry vouched for.</li>
 * <li>At most {@link #MAX_PEERS} instances, so at most that many {@code agent_peer_up}
 * series and status rows. Instances already polled keep their place; newcomers are taken
 * oldest-registered first while there is room; an instance the registry no longer lists is
 * dropped at once.</li>
 * <li>At most {@link #MAX_PEERS} health endpoints connected at once, counting those dropped
 * recently: the agent client closes a socket only once it has been idle and unlisted for
 * a while (up to about a minute), so a registry that keeps listing new endpoints cannot
 * make the hub open more sockets than that; a newcomer then waits for room.</li>
 * </ul>
 * Used by the poll worker's thread only.
 */
final class PollTargets {

	private static final Log logger = LogFactory.getLog(PollTargets.class);

	/**
	 * The most instances polled, series exported and sockets held: far above the sample
	 * fleet, and a registry's 257th instance of one service is refused anyway.
	 */
	static final int MAX_PEERS = 256;

	/**
	 * How long a health endpoint counts against {@link #MAX_PEERS} after its last poll: the
	 * agent client closes an unlisted socket once it has been idle for 30 s, checked every
	 * 30 s; with a margin.
	 */
	static final Duration SOCKET_RETENTION = Duration.ofSeconds(70);

	/** How many skipped entries are logged (once each); past it they are only skipped. */
	private static final int MAX_SKIPS_LOGGED = 1024;

	private static final Pattern TCP = Pattern.compile("tcp://(\\[[^\\]]*\\]|[^:/\\[\\]]+):([0-9]{1,5})");

	record Key(String service, String instance) {
	}

	record Target(RegisteredInstance instance, String healthEndpoint, String serverKey) {
	}

	private final boolean curve;

	/** The instances polled, in the order they were taken. */
	private Map<Key, Target> polled = new LinkedHashMap<>();

	/** Each health endpoint polled lately, with when it was last polled (nanoTime). */
	private final Map<String, Long> endpoints = new HashMap<>();

	/** Each health endpoint's server key, read by the client's thread. */
	private final Map<String, String> serverKeys = new ConcurrentHashMap<>();

	private volatile List<String> listed = List.of();

	private final Set<String> skipsLogged = ConcurrentHashMap.newKeySet();

	PollTargets(boolean curve) {
		this.curve = curve;
	}

	/** What to poll now, given what the registry lists; {@code now} on {@link System#nanoTime()}'s clock. */
	List<Target> update(List<RegisteredInstance> instances, long now) {
		this.endpoints.values().removeIf((last) -> now - last > SOCKET_RETENTION.toNanos());
		Map<Key, RegisteredInstance> eligible = new LinkedHashMap<>();
		for (RegisteredInstance instance : instances) {
			if (eligible(instance)) {
				eligible.putIfAbsent(new Key(instance.service(), instance.instance()), instance);
			}
		}
		Map<Key, Target> next = new LinkedHashMap<>();
		// Those already polled first, as the registry lists them now (a new endpoint or key included).
		this.polled.keySet().stream().filter(eligible::containsKey).forEach((key) -> take(next, key, eligible.get(key), now));
		eligible.forEach((key, instance) -> {
			if (!next.containsKey(key) && next.size() < MAX_PEERS) {
				take(next, key, instance, now);
			}
		});
		this.polled = next;
		List<String> healthEndpoints = next.values().stream().map(Target::healthEndpoint).distinct().toList();
		this.serverKeys.keySet().retainAll(this.endpoints.keySet());
		this.listed = healthEndpoints;
		return new ArrayList<>(next.values());
	}

	private void take(Map<Key, Target> next, Key key, RegisteredInstance instance, long now) {
		String endpoint = instance.healthEndpoint();
		if (!this.endpoints.containsKey(endpoint) && this.endpoints.size() >= MAX_PEERS) {
			return;
		}
		this.endpoints.put(endpoint, now);
		String serverKey = this.curve ? instance.publicKey() : null;
		if (serverKey != null) {
			this.serverKeys.put(endpoint, serverKey);
		}
		next.put(key, new Target(instance, endpoint, serverKey));
	}

	private boolean eligible(RegisteredInstance instance) {
		if (instance.healthEndpoint() == null) {
			return false;
		}
		String host = host(instance.endpoint());
		if (host == null || !host.equals(host(instance.healthEndpoint()))) {
			skipped(instance, "its health endpoint " + instance.healthEndpoint() + " is not on the host of its endpoint "
					+ instance.endpoint());
			return false;
		}
		if (this.curve && instance.publicKey() == null) {
			skipped(instance, "it registered no public key, and with CURVE on the hub polls only pinned keys");
			return false;
		}
		return true;
	}

	private void skipped(RegisteredInstance instance, String why) {
		String key = instance.service() + "/" + instance.instance() + " " + why;
		if (this.skipsLogged.size() < MAX_SKIPS_LOGGED && this.skipsLogged.add(key)) {
			logger.warn("Not polling " + instance.service() + "/" + instance.instance() + ": " + why
					+ " (logged once)");
		}
	}

	/** The host of {@code tcp://host:port}, lower case; {@code null} for anything else. */
	static String host(String endpoint) {
		if (endpoint == null) {
			return null;
		}
		Matcher matcher = TCP.matcher(endpoint);
		return matcher.matches() ? matcher.group(1).toLowerCase(Locale.ROOT) : null;
	}

	/** The health endpoints polled now: the client's list, so that it closes the others' sockets. */
	List<String> listed() {
		return this.listed;
	}

	/** The server key of a health endpoint, for the client to pin; {@code null} without CURVE. */
	String serverKey(String healthEndpoint) {
		return this.serverKeys.get(healthEndpoint);
	}

}
