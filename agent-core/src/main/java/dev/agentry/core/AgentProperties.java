package dev.agentry.core;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of an agent.
 *
 * @param name Name of the agent in logs, metrics and the registry. Defaults to
 * spring.application.name.
 * @param advertiseHost Host that peers use to reach this agent's endpoint and health
 * socket. Defaults to the POD_IP environment variable, else the host's address.
 * @param endpoint Main request endpoint.
 * @param endpoints Further request endpoints by name; actions name them in
 * AgentAction#endpoint.
 * @param health Health socket.
 * @param zmq Settings of every ZMQ socket.
 * @param shutdown Graceful shutdown.
 * @param registry Service registry this agent registers with.
 * @param liveness The endpoints' liveness probe.
 */
@ConfigurationProperties("agent")
public record AgentProperties(String name, String advertiseHost, @DefaultValue Endpoint endpoint,
		Map<String, Endpoint> endpoints, @DefaultValue Health health, @DefaultValue Zmq zmq,
		@DefaultValue Shutdown shutdown, @DefaultValue Registry registry, @DefaultValue Liveness liveness) {

	public AgentProperties {
		endpoints = (endpoints != null) ? Map.copyOf(endpoints) : Map.of();
	}

	/**
	 * A request endpoint.
	 *
	 * @param bind Where the endpoint's ROUTER socket binds; 'none' disables it.
	 * @param threads Number of handler threads.
	 * @param maxInflight Requests in flight above which new ones are answered 'unavailable'.
	 * @param maxInflightBytes Bytes of requests in flight plus replies queued on the endpoint
	 * above which new requests are answered 'unavailable', so that memory stays bounded
	 * whatever peers send.
	 * @param requestTimeout How long a handler may run before the request is answered
	 * 'timeout'.
	 */
	public record Endpoint(@DefaultValue("tcp://*:5555") String bind, @DefaultValue("8") int threads,
			@DefaultValue("1000") int maxInflight, @DefaultValue("64MB") DataSize maxInflightBytes,
			@DefaultValue("30s") Duration requestTimeout) {

		public boolean enabled() {
			return this.bind != null && !this.bind.isBlank() && !"none".equalsIgnoreCase(this.bind.trim());
		}

	}

	/**
	 * The health socket.
	 *
	 * @param bind Where the health socket binds; 'none' disables it.
	 */
	public record Health(@DefaultValue("tcp://*:5556") String bind) {

		public boolean enabled() {
			return this.bind != null && !this.bind.isBlank() && !"none".equalsIgnoreCase(this.bind.trim());
		}

	}

	/**
	 * Settings of every ZMQ socket.
	 *
	 * @param linger How long a closing socket may still flush queued messages.
	 * @param maxMessageSize ZMQ_MAXMSGSIZE of every socket that receives: a peer that sends
	 * more is disconnected by ZeroMQ.
	 * @param handshakeTimeout How long a new connection may take to complete its ZMTP
	 * handshake before it is dropped and made again.
	 * @param curve CURVE encryption and authentication of every socket.
	 */
	public record Zmq(@DefaultValue("1s") Duration linger, @DefaultValue("1MB") DataSize maxMessageSize,
			@DefaultValue("2s") Duration handshakeTimeout, @DefaultValue Curve curve) {
	}

	/**
	 * CURVE encryption and authentication (off unless a certificate is set).
	 *
	 * @param certificate This agent's secret certificate file (ZPL, as CZMQ's zcert_save and
	 * pyzmq's zmq.auth.create_certificates write it: name.key_secret). Setting it turns CURVE
	 * on for every socket the agent binds (server) and every socket it connects (client).
	 * @param authorizedKeys Directory of the public certificate files (*.key) of the peers
	 * allowed to connect, re-read when it changes; required with a certificate. Everyone else
	 * is refused by ZAP and counted in agent_auth_denied_total.
	 */
	public record Curve(String certificate, String authorizedKeys) {

		public boolean enabled() {
			return this.certificate != null && !this.certificate.isBlank();
		}

	}

	/**
	 * The graceful shutdown.
	 *
	 * @param delay Wait of step 0, while the agent, already not ready, still serves;
	 * replaces a preStop sleep.
	 * @param drainTimeout Limit of step 1 for the requests in flight. 10s, so that the whole
	 * worst-case shutdown of an agent with no settings fits Kubernetes' default grace period
	 * of 30s.
	 * @param workerJoinTimeout Limit of step 3 for the workers to end.
	 * @param gracePeriod Kubernetes' terminationGracePeriodSeconds; the worst-case shutdown
	 * is checked against it at start-up.
	 * @param reportFile Where step 7 writes the shutdown report. Defaults to
	 * java.io.tmpdir/agentry/agent.name/last-shutdown.json.
	 */
	public record Shutdown(@DefaultValue("0s") Duration delay, @DefaultValue("10s") Duration drainTimeout,
			@DefaultValue("10s") Duration workerJoinTimeout, @DefaultValue("30s") Duration gracePeriod,
			String reportFile) {
	}

	/**
	 * The service registry.
	 *
	 * @param endpoint Request endpoint of the registry; unset or 'none', the agent does not
	 * register (nor look anything up there).
	 * @param ttl How long the registry keeps this agent without a heartbeat.
	 * @param heartbeatInterval Period of the heartbeats.
	 * @param publicKey The registry's CURVE public key (Z85, 40 characters), pinned when
	 * CURVE is on: agents learn each other's public keys from the registry's lookup.
	 */
	public record Registry(String endpoint, @DefaultValue("10s") Duration ttl,
			@DefaultValue("3s") Duration heartbeatInterval, String publicKey) {

		/** Whether a registry is configured: an endpoint that is neither blank nor 'none'. */
		public boolean enabled() {
			return this.endpoint != null && !this.endpoint.isBlank() && !"none".equalsIgnoreCase(this.endpoint.trim());
		}

	}

	/**
	 * The liveness probe: each request endpoint is asked a 'health_check' over loopback, as a
	 * peer would; one that misses 'probe-failures' probes in a row turns liveness DOWN until
	 * the process restarts (a JeroMQ I/O thread that died or spins, a socket thread that
	 * hangs).
	 *
	 * @param probeInterval Time between two probes of an endpoint; 0 turns the probe off.
	 * @param probeTimeout How long a probe waits for its answer.
	 * @param probeFailures Probes missed in a row that turn liveness DOWN.
	 */
	public record Liveness(@DefaultValue("5s") Duration probeInterval, @DefaultValue("5s") Duration probeTimeout,
			@DefaultValue("3") int probeFailures) {
	}

}
