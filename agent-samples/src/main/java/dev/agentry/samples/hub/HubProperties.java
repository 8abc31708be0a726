package dev.agentry.samples.hub;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the observability-hub sample.
 *
 * @param agents The agents to poll, each a dns:///host:port source of health endpoints (a
 * Kubernetes headless Service's health port); empty: every agent the registry lists.
 */
@ConfigurationProperties("observability-hub")
public record HubProperties(List<Agent> agents) {

	public HubProperties {
		agents = (agents != null) ? List.copyOf(agents) : List.of();
	}

	/**
	 * One polled agent.
	 *
	 * @param name The service name the hub reports it under; defaults to the source's host.
	 * @param source Its health endpoints: dns:///host:port.
	 * @param publicKey Its CURVE public key (Z85), pinned when CURVE is on.
	 */
	public record Agent(String name, String source, String publicKey) {
	}

}
