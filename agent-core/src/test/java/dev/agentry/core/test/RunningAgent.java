package dev.agentry.core.test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.health.HealthSocket;
import dev.agentry.core.testapp.TestAgentApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The test agent in this JVM, on ephemeral loopback ports. */
public final class RunningAgent implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private RunningAgent(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** Starts the test agent with these properties over loopback defaults on free ports. */
	public static RunningAgent start(Map<String, String> properties) {
		Map<String, String> all = new LinkedHashMap<>();
		all.put("spring.application.name", "test-agent");
		all.put("server.port", "0");
		all.put("server.address", "127.0.0.1");
		all.put("agent.endpoint.bind", "tcp://127.0.0.1:*");
		all.put("agent.health.bind", "tcp://127.0.0.1:*");
		all.put("agent.shutdown.report-file",
				System.getProperty("java.io.tmpdir") + "/agentry-tests/" + System.nanoTime() + "/last-shutdown.json");
		all.putAll(properties);
		List<String> args = new ArrayList<>();
		all.forEach((key, value) -> args.add("--" + key + "=" + value));
		SpringApplication application = new SpringApplication(TestAgentApplication.class);
		// The tests close the context themselves; a JVM shutdown hook per context would pile up.
		application.setRegisterShutdownHook(false);
		return new RunningAgent(application.run(args.toArray(String[]::new)));
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public String endpoint() {
		return endpoint("main");
	}

	public String endpoint(String name) {
		return this.context.getBean(RequestEndpoints.class).get(name).orElseThrow().boundEndpoint();
	}

	public String health() {
		return this.context.getBean(HealthSocket.class).boundEndpoint();
	}

	public int httpPort() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
