package dev.agentry.core.client;

import java.util.List;

/**
 * Where an {@link AgentClient}'s endpoints come from: a fixed list, the service registry
 * ({@code registry:<service>}) or DNS ({@code dns:///host:port}, every A/AAAA record of a
 * Kubernetes headless Service), made by {@link EndpointSources}. A client asks it for every
 * call: an endpoint that disappears gets no new calls while those in flight finish, and one
 * that appears is connected (with the usual handshake check) on its first call.
 */
public interface EndpointSource extends AutoCloseable {

	/** The endpoints now ({@code tcp://host:port}); cheap, called for every call. */
	List<String> endpoints();

	/**
	 * The CURVE public key (Z85) that {@code endpoint} serves under, or {@code null} when none
	 * is known; used only when CURVE is on, and an endpoint without a key is never connected.
	 */
	String publicKey(String endpoint);

	/** Stops refreshing; the default does nothing. */
	@Override
	default void close() {
	}

}
