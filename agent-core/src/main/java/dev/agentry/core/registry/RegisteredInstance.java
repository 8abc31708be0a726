package dev.agentry.core.registry;

/** One agent instance as the service registry knows it. */
public record RegisteredInstance(String service, String instance, String endpoint, String healthEndpoint,
		double ttlSeconds, double ageSeconds) {
}
