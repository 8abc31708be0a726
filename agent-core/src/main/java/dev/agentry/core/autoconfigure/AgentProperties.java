package dev.agentry.core.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of an agent.
 *
 * @param name the agent's name in logs, metrics and the registry; defaults to
 * {@code spring.application.name}
 * @param advertiseHost the host that peers use to reach this agent's endpoint and health
 * socket; defaults to the {@code POD_IP} environment variable, else the host's address
 * @param endpoint the main request endpoint
 * @param endpoints further request endpoints by name; their actions name them in
 * {@code @AgentAction(endpoint = ...)}
 * @param health the health socket
 * @param zmq settings of every ZMQ socket
 * @param shutdown the graceful shutdown
 * @param registry the service registry this agent registers with
 */
@ConfigurationProperties("agent")
public record AgentProperties(String name, String advertiseHost, @DefaultValue Endpoint endpoint,
		Map<String, Endpoint> endpoints, @DefaultValue Health health, @DefaultValue Zmq zmq,
		@DefaultValue Shutdown shutdown, @DefaultValue Registry registry) {

	public AgentProperties {
		endpoints = (endpoints != null) ? Map.copyOf(endpoints) : Map.of();
	}

	/**
	 * A request endpoint.
	 *
	 * @param bind where its ROUTER socket binds; {@code none} disables it
	 * @param threads handler threads
	 * @param maxInflight above this many requests in flight, new ones are answered
	 * {@code unavailable}
	 * @param requestTimeout how long a handler may run before the request is answered
	 * {@code timeout}
	 */
	public record Endpoint(@DefaultValue("tcp://*:5555") String bind, @DefaultValue("8") int threads,
			@DefaultValue("1000") int maxInflight, @DefaultValue("30s") Duration requestTimeout) {

		public boolean enabled() {
			return this.bind != null && !this.bind.isBlank() && !"none".equalsIgnoreCase(this.bind.trim());
		}

	}

	/**
	 * The health socket.
	 *
	 * @param bind where it binds; {@code none} disables it
	 */
	public record Health(@DefaultValue("tcp://*:5556") String bind) {

		public boolean enabled() {
			return this.bind != null && !this.bind.isBlank() && !"none".equalsIgnoreCase(this.bind.trim());
		}

	}

	/**
	 * Settings of every ZMQ socket.
	 *
	 * @param linger how long a closing socket may still flush queued messages
	 * @param maxMessageSize ZMQ_MAXMSGSIZE of every socket that receives: a peer that
	 * sends more is disconnected by ZeroMQ
	 */
	public record Zmq(@DefaultValue("1s") Duration linger, @DefaultValue("1MB") DataSize maxMessageSize) {
	}

	/**
	 * The graceful shutdown.
	 *
	 * @param delay step 0's wait while the agent, already not ready, still serves; replaces a
	 * preStop sleep
	 * @param drainTimeout step 1's limit for requests in flight
	 * @param workerJoinTimeout step 3's limit for the workers to end
	 * @param gracePeriod Kubernetes' terminationGracePeriodSeconds; the worst case is checked
	 * against it at start-up
	 * @param reportFile where step 7 writes the report; defaults to
	 * {@code ${java.io.tmpdir}/agentry/${agent.name}/last-shutdown.json}
	 */
	public record Shutdown(@DefaultValue("0s") Duration delay, @DefaultValue("20s") Duration drainTimeout,
			@DefaultValue("10s") Duration workerJoinTimeout, @DefaultValue("30s") Duration gracePeriod,
			String reportFile) {
	}

	/**
	 * The service registry.
	 *
	 * @param endpoint the registry's request endpoint; unset, the agent does not register
	 * @param ttl how long the registry keeps this agent without a heartbeat
	 * @param heartbeatInterval the heartbeat period
	 */
	public record Registry(String endpoint, @DefaultValue("10s") Duration ttl,
			@DefaultValue("3s") Duration heartbeatInterval) {
	}

}
