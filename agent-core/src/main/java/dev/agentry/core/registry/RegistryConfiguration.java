package dev.agentry.core.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import dev.agentry.core.AgentProperties;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.endpoint.RequestEndpoint;
import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.health.HealthSocket;
import dev.agentry.core.trust.AgentTrust;
import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.zmq.ZmqSockets;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Registration with the service registry, when {@code agent.registry.endpoint} names one.
 * Imported by {@code AgentAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public final class RegistryConfiguration {

	/**
	 * A registry is used when agent.registry.endpoint is set to something other than 'none' (the
	 * chart sets 'none' when Kubernetes' DNS finds the agents, over the samples' local default).
	 */
	static final String REGISTRY_ENABLED = "!'${agent.registry.endpoint:}'.isBlank() "
			+ "and !'${agent.registry.endpoint:}'.trim().equalsIgnoreCase('none')";

	private static final Duration REGISTRY_CALL_TIMEOUT = Duration.ofSeconds(1);

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnExpression(REGISTRY_ENABLED)
	RegistryClient agentRegistryClient(AgentClients clients, AgentProperties properties, AgentJson json) {
		return new RegistryClient(clients.create("registry", List.of(properties.registry().endpoint()),
				AgentTrust.registryKey(properties)), json.mapper(), REGISTRY_CALL_TIMEOUT);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnExpression(REGISTRY_ENABLED)
	RegistryRegistration agentRegistryRegistration(RegistryClient registry, AgentStatus status,
			AgentProperties properties, Environment environment, RequestEndpoints endpoints,
			ObjectProvider<HealthSocket> health, ZmqSockets sockets) {
		String host = advertiseHost(properties, environment);
		boolean hostGiven = properties.advertiseHost() != null && !properties.advertiseHost().isBlank();
		double ttl = properties.registry().ttl().toMillis() / 1000.0;
		return new RegistryRegistration(registry, status,
				() -> new RegisteredInstance(status.name(), status.instance(),
						advertised(host, hostGiven,
								endpoints.get(RequestEndpoint.MAIN).map(RequestEndpoint::boundEndpoint).orElse(null)),
						advertised(host, hostGiven,
								health.stream().map(HealthSocket::boundEndpoint).findFirst().orElse(null)),
						ttl, 0, sockets.publicKey()),
				properties.registry().heartbeatInterval());
	}

	/**
	 * {@code tcp://0.0.0.0:5510} bound, {@code tcp://<host>:5510} advertised. An endpoint bound
	 * to a loopback address (a sample agent started by hand) is advertised as bound unless
	 * {@code agent.advertise-host} is given: no other address reaches it.
	 */
	static String advertised(String host, boolean hostGiven, String bound) {
		if (bound == null) {
			return null;
		}
		int colon = bound.lastIndexOf(':');
		String boundHost = bound.substring(bound.indexOf("//") + 2, colon).replace("[", "").replace("]", "");
		if (!hostGiven && (boundHost.startsWith("127.") || boundHost.equals("::1"))) {
			host = boundHost;
		}
		// An IPv6 address (a POD_IP on an IPv6 cluster) is bracketed, as tcp://host:port needs
		// and as the registry requires.
		String address = (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
		return "tcp://" + address + ":" + bound.substring(colon + 1);
	}

	/** {@code agent.advertise-host}, else {@code POD_IP}, else this host's address. */
	static String advertiseHost(AgentProperties properties, Environment environment) {
		if (properties.advertiseHost() != null && !properties.advertiseHost().isBlank()) {
			return properties.advertiseHost();
		}
		String podIp = environment.getProperty("POD_IP");
		if (podIp != null && !podIp.isBlank()) {
			return podIp;
		}
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			return "127.0.0.1";
		}
	}

}
