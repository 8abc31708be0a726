package dev.agentry.samples;

import java.security.Security;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

import dev.agentry.samples.coordinator.CoordinatorApplication;
import dev.agentry.samples.demo.Demo;
import dev.agentry.samples.hub.ObservabilityHubApplication;
import dev.agentry.samples.interrupts.InterruptHandlerApplication;
import dev.agentry.samples.keygen.Keygen;
import dev.agentry.samples.modelworker.ModelWorkerApplication;
import dev.agentry.samples.registry.ServiceRegistryApplication;
import dev.agentry.samples.verify.VerifyShutdown;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The samples jar: {@code java -jar agent-samples.jar <command> [--property=value ...]},
 * parsed by picocli. Each agent command is one agent with its own default ports; any property
 * can be overridden on the command line. demo, verify-shutdown and keygen parse their own
 * options.
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
		CommandLine commandLine = commandLine();
		int code = commandLine.execute(args);
		if (code != 0 || !startedAnAgent(commandLine)) {
			System.exit(code);
		}
		// An agent runs on Spring's threads until it is stopped: main just returns.
	}

	/** The samples jar's command line: one subcommand per agent, plus demo, verify-shutdown and keygen. */
	static CommandLine commandLine() {
		CommandLine commandLine = new CommandLine(new Usage());
		AGENTS.forEach((name, agent) -> add(commandLine, name, new AgentCommand(name, agent),
				"the " + name + " agent (local HTTP " + agent.httpPort() + ", endpoint " + agent.endpointPort()
						+ ", health " + agent.healthPort() + ")")
			.getCommandSpec()
			.usageMessage()
			.customSynopsis("java -jar agent-samples.jar " + name + " [--property=value ...]"));
		add(commandLine, "demo", new PassThrough(Demo::run),
				"runs the whole system, rolls the workers under load, prints what the clients saw");
		add(commandLine, "verify-shutdown", new PassThrough(VerifyShutdown::run),
				"the graceful-shutdown test runner: start, load, SIGTERM, time and check each agent");
		add(commandLine, "keygen", new PassThrough((args) -> Keygen.run(args, System.out, System.err)),
				"writes a CURVE certificate pair: --name=<name> [--services=<a,b>] [--dir=<dir>] [--force]");
		commandLine.addSubcommand("help", new CommandLine.HelpCommand());
		// Spring reads an argument that starts with @ as it is: picocli must not expand it as a file.
		commandLine.setExpandAtFiles(false);
		// Spring Boot has logged a failed start-up already, with its cause: no second stack trace.
		commandLine.setExecutionExceptionHandler((ex, line, parsed) -> 1);
		commandLine.setParameterExceptionHandler(AgentSamples::usageError);
		return commandLine;
	}

	private static CommandLine add(CommandLine commandLine, String name, Object command, String description) {
		CommandLine subcommand = new CommandLine(command);
		subcommand.getCommandSpec().usageMessage().description(description);
		commandLine.addSubcommand(name, subcommand);
		return subcommand;
	}

	/** A usage error: what was wrong, what was meant perhaps, and the usage; exit code 2. */
	private static int usageError(CommandLine.ParameterException ex, String[] args) {
		CommandLine commandLine = ex.getCommandLine();
		commandLine.getErr().println(ex.getMessage());
		CommandLine.UnmatchedArgumentException.printSuggestions(ex, commandLine.getErr());
		commandLine.usage(commandLine.getErr());
		return commandLine.getCommandSpec().exitCodeOnInvalidInput();
	}

	private static boolean startedAnAgent(CommandLine commandLine) {
		CommandLine.ParseResult parsed = commandLine.getParseResult();
		return parsed != null && parsed.hasSubcommand()
				&& parsed.subcommand().commandSpec().userObject() instanceof AgentCommand command && !command.help;
	}

	@Command(name = "java -jar agent-samples.jar", synopsisSubcommandLabel = "<command>",
			customSynopsis = "java -jar agent-samples.jar <command> [--property=value ...]",
			description = "The sample agent system. An agent's --property=value arguments are Spring properties.",
			footer = "'<command> --help' tells a command's own options.")
	static final class Usage implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "this help")
		boolean help;

		/** No command: the usage, and no error (as before picocli). */
		@Override
		public Integer call() {
			this.spec.commandLine().usage(this.spec.commandLine().getErr());
			return 0;
		}

	}

	/** Starts one sample agent; every argument is a Spring property ({@code --server.port=9000}). */
	@Command(footer = "Every --property=value is a Spring property, e.g. --server.port=9000 "
			+ "--agent.endpoint.bind=tcp://127.0.0.1:6000")
	static final class AgentCommand implements Callable<Integer> {

		private final String name;

		private final Agent agent;

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "this help")
		boolean help;

		@Unmatched
		List<String> properties = new ArrayList<>();

		AgentCommand(String name, Agent agent) {
			this.name = name;
			this.agent = agent;
		}

		@Override
		public Integer call() {
			new SpringApplicationBuilder(this.agent.configuration())
				.properties(this.agent.defaults(this.name))
				.run(this.properties.toArray(String[]::new));
			return 0;
		}

	}

	/** A command with a parser of its own: it gets every argument after its name, {@code --help} included. */
	@Command
	static final class PassThrough implements Callable<Integer> {

		private final ToIntFunction<String[]> command;

		@Unmatched
		List<String> args = new ArrayList<>();

		PassThrough(ToIntFunction<String[]> command) {
			this.command = command;
		}

		@Override
		public Integer call() {
			return this.command.applyAsInt(this.args.toArray(String[]::new));
		}

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
