package dev.agentry.core.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.agentry.core.registry.RegistryClient;

/**
 * Makes {@link EndpointSource}s, from code or from a property's text:
 * <ul>
 * <li>{@code tcp://host:port[,tcp://host:port...]}: a fixed list;</li>
 * <li>{@code registry:<service>}: the live instances of a service in the registry, with
 * the key each registered with;</li>
 * <li>{@code dns:///host:port}: every A/AAAA record of {@code host}, resolved again every
 * refresh interval (a Kubernetes headless Service lists only ready pods).</li>
 * </ul>
 */
public final class EndpointSources {

	/** How often a registry or DNS source looks again unless told otherwise. */
	public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);

	private EndpointSources() {
	}

	/** Fixed endpoints that all serve under {@code publicKey} (ignored without CURVE; may be null). */
	public static EndpointSource fixed(List<String> endpoints, String publicKey) {
		List<String> fixed = List.copyOf(endpoints);
		return new EndpointSource() {

			@Override
			public List<String> endpoints() {
				return fixed;
			}

			@Override
			public String publicKey(String endpoint) {
				return publicKey;
			}

			@Override
			public String toString() {
				return String.join(",", fixed);
			}

		};
	}

	/** Every A/AAAA record of {@code dns:///host:port}'s host, all serving under {@code publicKey}. */
	public static EndpointSource dns(String uri, String publicKey, Duration refresh) {
		return new DnsEndpointSource(DnsEndpointSource.Target.parse(uri), publicKey, refresh);
	}

	/** The live instances of {@code service} in the registry, each with the key it registered with. */
	public static EndpointSource registry(RegistryClient registry, String service, Duration refresh) {
		return new RegistryEndpointSource(registry, service, refresh);
	}

	/**
	 * A source from its text: {@code registry:<service>}, {@code dns:///host:port} or
	 * {@code tcp://...} (comma-separated).
	 * @param publicKey the key of DNS and fixed endpoints (the registry gives each instance's own)
	 * @param registry the registry client, needed only by {@code registry:} (else may be null)
	 * @throws IllegalArgumentException with a message that names the accepted forms
	 */
	public static EndpointSource parse(String spec, String publicKey, RegistryClient registry, Duration refresh) {
		String text = (spec != null) ? spec.trim() : "";
		if (text.startsWith("registry:")) {
			String service = text.substring("registry:".length()).trim();
			if (service.isEmpty()) {
				throw invalid(spec, "registry: needs a service name");
			}
			if (registry == null) {
				throw invalid(spec, "registry: needs agent.registry.endpoint");
			}
			return registry(registry, service, refresh);
		}
		if (text.startsWith("dns:")) {
			return dns(text, publicKey, refresh);
		}
		if (text.startsWith("tcp://")) {
			return fixed(Arrays.stream(text.split(",")).map(String::trim).filter((e) -> !e.isEmpty()).toList(), publicKey);
		}
		throw invalid(spec, "unknown form");
	}

	private static IllegalArgumentException invalid(String spec, String why) {
		return new IllegalArgumentException("'" + spec + "' is not an endpoint source (" + why
				+ "): use registry:<service>, dns:///host:port or tcp://host:port[,tcp://host:port...]");
	}

}
