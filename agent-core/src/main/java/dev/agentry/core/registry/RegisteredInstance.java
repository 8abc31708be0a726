package dev.agentry.core.registry;

/**
 * One agent instance as the service registry knows it.
 *
 * @param publicKey the CURVE public key (Z85) that registered it and that its endpoints
 * serve under, or {@code null} without CURVE: clients pin it when they connect
 */
public record RegisteredInstance(String service, String instance, String endpoint, String healthEndpoint,
		double ttlSeconds, double ageSeconds, String publicKey) {

	public RegisteredInstance(String service, String instance, String endpoint, String healthEndpoint,
			double ttlSeconds, double ageSeconds) {
		this(service, instance, endpoint, healthEndpoint, ttlSeconds, ageSeconds, null);
	}

}
