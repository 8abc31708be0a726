package dev.agentry.samples.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.core.AgentProperties;
import dev.agentry.core.shutdown.ShutdownBudget;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A container's environment as the agent inside will see it: the downward API filled in
 * with sample values, {@code $(VAR)} references and {@code $$} expanded as the kubelet does, and read
 * through Spring Boot's own binding of environment variables. So the checks see the
 * properties the agent will really get, not the variable names the chart meant to set.
 */
final class ContainerEnvironment {

	static final String POD_IP = "10.1.2.3";

	static final String POD_NAME = "agent-pod-0";

	private final Map<String, Object> variables = new LinkedHashMap<>();

	private final Binder binder;

	ContainerEnvironment(Container container) {
		for (EnvVar env : container.getEnv()) {
			this.variables.put(env.getName(), value(env));
		}
		this.binder = binder(this.variables);
	}

	/** Variables given as they are, as docker compose passes a service's environment. */
	ContainerEnvironment(Map<String, String> variables) {
		this.variables.putAll(variables);
		this.binder = binder(this.variables);
	}

	private static Binder binder(Map<String, Object> variables) {
		// Spring reads environment variables with its relaxed names only from a source so named.
		return new Binder(ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)));
	}

	private String value(EnvVar env) {
		if (env.getValueFrom() != null) {
			String field = env.getValueFrom().getFieldRef().getFieldPath();
			return switch (field) {
				case "status.podIP" -> POD_IP;
				case "metadata.name" -> POD_NAME;
				default -> throw new IllegalArgumentException(env.getName() + " refers to an unexpected field " + field);
			};
		}
		return expand(env.getValue());
	}

	/**
	 * The value as the kubelet passes it (its third_party/forked/golang/expansion): {@code $$} is
	 * one {@code $}, {@code $(NAME)} the value of a variable defined earlier in the list (kept as
	 * written when there is none), and any other {@code $} stays.
	 */
	private String expand(String value) {
		StringBuilder expanded = new StringBuilder();
		int i = 0;
		while (i < value.length()) {
			char c = value.charAt(i);
			if (c != '$' || i + 1 == value.length()) {
				expanded.append(c);
				i++;
			}
			else if (value.charAt(i + 1) == '$') {
				expanded.append('$');
				i += 2;
			}
			else if (value.charAt(i + 1) == '(' && value.indexOf(')', i + 2) >= 0) {
				int close = value.indexOf(')', i + 2);
				String name = value.substring(i + 2, close);
				Object earlier = this.variables.get(name);
				expanded.append((earlier != null) ? earlier.toString() : "$(" + name + ")");
				i = close + 1;
			}
			else {
				expanded.append('$');
				i++;
			}
		}
		return expanded.toString();
	}

	/** The variable's value, or null. */
	String variable(String name) {
		Object value = this.variables.get(name);
		return (value != null) ? value.toString() : null;
	}

	/** A property as the agent reads it (relaxed names), or null when nothing sets it. */
	String property(String name) {
		return this.binder.bind(name, String.class).orElse(null);
	}

	/** An indexed list property ({@code name[0]}, {@code name[1]}, ...) as the agent binds it, or empty. */
	<T> List<T> list(String name, Class<T> element) {
		return this.binder.bind(name, Bindable.listOf(element)).orElse(List.of());
	}

	<T> T bind(String prefix, Class<T> type) {
		return this.binder.bindOrCreate(prefix, Bindable.of(type));
	}

	AgentProperties agent() {
		return bind("agent", AgentProperties.class);
	}

	/** The budget that the agent computes from these settings, before it counts its streams and clients. */
	ShutdownBudget shutdownBudget() {
		AgentProperties agent = agent();
		AgentProperties.Shutdown shutdown = agent.shutdown();
		boolean push = Boolean.parseBoolean(property("management.prometheus.metrics.export.pushgateway.enabled"));
		return new ShutdownBudget(shutdown.delay(), shutdown.drainTimeout(), shutdown.workerJoinTimeout(),
				agent.zmq().linger(), shutdown.gracePeriod(), 0, 0, agent.zmq().curve().enabled(), push);
	}

	/**
	 * The budget that the agent logs at start-up, with its streams and its clients (the
	 * registry's client counted here, when it registers).
	 */
	ShutdownBudget shutdownBudget(int streams, int clients) {
		String registry = property("agent.registry.endpoint");
		boolean registers = registry != null && !registry.isBlank() && !registry.trim().equalsIgnoreCase("none");
		return shutdownBudget().withParts(streams, clients + (registers ? 1 : 0));
	}

}
