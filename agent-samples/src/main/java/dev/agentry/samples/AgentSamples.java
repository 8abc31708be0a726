package dev.agentry.samples;

import java.security.Security;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.agentry.samples.coordinator.CoordinatorApplication;
import dev.agentry.samples.demo.Demo;
import dev.agentry.samples.hub.ObservabilityHubApplication;
import dev.agentry.samples.interrupts.InterruptHandlerApplication;
import dev.agentry.samples.keygen.Keygen;
import dev.agentry.samples.modelworker.ModelWorkerApplication;
import dev.agentry.samples.registry.ServiceRegistryApplication;
import dev.agentry.samples.verify.VerifyShutdown;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The samples jar: {@code java -jar agent-samples.jar <command> [--property=value ...]}.
 * Each command is one agent with its own default ports; any property can be overridden
 * on the command line.
 */
public final class AgentSamples {

	private static final Map<String, Agent> AGENTS = new LinkedHashMap<>();

	static {
		AGENTS.put("service-registry", new Agent(ServiceRegistryApplication.class, 8500, 5500, 5501));
		AGENTS.put("model-worker", new Agent(ModelWorkerApplication.class, 8510, 5510, 5511));
		AGENTS.put("request-coordinator", new Agent(CoordinatorApplication.class, 8520, 5520, 5521));
		AGENTS.put("streaming-interrupt-handler", new Agent(InterruptHandlerApplication.class, 8530, 5530, 5531));
		AGENTS.put("observability-hub", new Agent(ObservabilityHubApplication.class, 8540, 5540, 5541));
	}

	private AgentSamples() {
	}

	/**
	 * How long the JVM trusts a successful DNS look-up, in seconds, unless told otherwise
	 * ({@code networkaddress.cache.ttl} or {@code -Dsun.net.inetaddr.ttl}). A dns:/// source sees
	 * a pod leave or join a headless Service only when the cached answer expires; the JVM's
	 * default is 30 s.
	 */
	static final String DNS_CACHE_SECONDS = "5";

	public static void main(String[] args) {
		// Before anything looks a name up: the JVM reads the cache policy once, at the first look-up.
		if (Security.getProperty("networkaddress.cache.ttl") == null && System.getProperty("sun.net.inetaddr.ttl") == null) {
			Security.setProperty("networkaddress.cache.ttl", DNS_CACHE_SECONDS);
		}
		if (args.length > 0 && "demo".equals(args[0])) {
			System.exit(Demo.run(Arrays.copyOfRange(args, 1, args.length)));
			return;
		}
		if (args.length > 0 && "keygen".equals(args[0])) {
			System.exit(Keygen.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
			return;
		}
		if (args.length > 0 && "verify-shutdown".equals(args[0])) {
			System.exit(VerifyShutdown.run(Arrays.copyOfRange(args, 1, args.length)));
			return;
		}
		if (args.length == 0 || !AGENTS.containsKey(args[0])) {
			System.err.println("Usage: java -jar agent-samples.jar <command> [--property=value ...]");
			System.err.println("Commands: " + String.join(", ", AGENTS.keySet()) + ", demo, verify-shutdown, keygen");
			System.exit((args.length == 0 || "help".equals(args[0]) || "--help".equals(args[0])) ? 0 : 2);
			return;
		}
		String command = args[0];
		new SpringApplicationBuilder(AGENTS.get(command).configuration())
			.properties(defaults(command))
			.run(Arrays.copyOfRange(args, 1, args.length));
	}

	/** The properties an agent started with {@code command} gets unless told otherwise. */
	static Map<String, Object> defaults(String command) {
		return AGENTS.get(command).defaults(command);
	}

	/** A sample agent: its configuration class and its local default ports (HTTP, endpoint, health), on loopback. */
	record Agent(Class<?> configuration, int httpPort, int endpointPort, int healthPort) {

		Map<String, Object> defaults(String name) {
			Map<String, Object> defaults = new LinkedHashMap<>();
			defaults.put("spring.application.name", name);
			defaults.put("server.port", this.httpPort);
			// Loopback unless told otherwise: an agent started by hand on a laptop must not be
			// reachable from the network. The image, the chart and compose bind every interface
			// through SERVER_ADDRESS, AGENT_ENDPOINT_BIND and AGENT_HEALTH_BIND, which override these.
			defaults.put("server.address", "127.0.0.1");
			defaults.put("agent.endpoint.bind", "tcp://127.0.0.1:" + this.endpointPort);
			defaults.put("agent.health.bind", "tcp://127.0.0.1:" + this.healthPort);
			if (this.configuration == InterruptHandlerApplication.class) {
				defaults.put("streaming-interrupt-handler.publish-bind", "tcp://127.0.0.1:5532");
			}
			if (this.configuration != ServiceRegistryApplication.class) {
				// On one machine the agents find each other through the local registry.
				defaults.put("agent.registry.endpoint", "tcp://127.0.0.1:5500");
			}
			return defaults;
		}

	}

}
