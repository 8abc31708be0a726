package dev.agentry.core.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.AgentPhases;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.endpoint.AgentActionRegistrar;
import dev.agentry.core.endpoint.AgentActions;
import dev.agentry.core.endpoint.RequestEndpoint;
import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.health.EndpointLivenessProbe;
import dev.agentry.core.health.HealthReplies;
import dev.agentry.core.health.HealthSocket;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.metrics.KeepMeterRegistriesOpen;
import dev.agentry.core.registry.RegisteredInstance;
import dev.agentry.core.registry.RegistryClient;
import dev.agentry.core.registry.RegistryRegistration;
import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.shutdown.DrainCoordinator;
import dev.agentry.core.shutdown.DrainListener;
import dev.agentry.core.shutdown.PhaseTimeouts;
import dev.agentry.core.shutdown.ReportFiles;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.ShutdownReportWriter;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StreamPhases;
import dev.agentry.core.shutdown.StreamsStep;
import dev.agentry.core.worker.AgentWorker;
import dev.agentry.core.worker.WorkerManager;
import dev.agentry.core.zmq.ZmqContextLifecycle;
import dev.agentry.core.zmq.ZmqSocketCustomizer;
import dev.agentry.core.zmq.ZmqSockets;
import dev.agentry.core.trust.CurveTrust;
import dev.agentry.core.trust.ZapHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZContext;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of an agent: the ZMQ context, request endpoints, health socket,
 * workers, agent clients, the phase-ordered shutdown, its metrics and its report. Every
 * bean backs off when the application defines its own.
 */
@AutoConfiguration(after = { JacksonAutoConfiguration.class, MetricsAutoConfiguration.class,
		CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass(ZContext.class)
@EnableConfigurationProperties(AgentProperties.class)
public final class AgentAutoConfiguration {

	/**
	 * A registry is used when agent.registry.endpoint is set to something other than 'none' (the
	 * chart sets 'none' when Kubernetes' DNS finds the agents, over the samples' local default).
	 */
	static final String REGISTRY_ENABLED = "!'${agent.registry.endpoint:}'.isBlank() "
			+ "and !'${agent.registry.endpoint:}'.trim().equalsIgnoreCase('none')";


	private static final Log logger = LogFactory.getLog(AgentAutoConfiguration.class);

	private static final Duration REGISTRY_CALL_TIMEOUT = Duration.ofSeconds(1);

	@Bean
	@ConditionalOnClass(MeterRegistry.class)
	static KeepMeterRegistriesOpen agentKeepMeterRegistriesOpen() {
		return new KeepMeterRegistriesOpen();
	}

	@Bean
	static PhaseTimeouts agentPhaseTimeouts(Environment environment) {
		// Before any bean exists: from the settings, the number of streams and clients unknown
		// yet. Spring waits on a phase only for the asynchronous stops (the endpoints').
		return shutdownBudget(Binder.get(environment).bindOrCreate("agent", AgentProperties.class), environment)
			.phaseTimeouts();
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AgentActions agentActions() {
		return new AgentActions();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AgentActionRegistrar agentActionRegistrar(ObjectProvider<AgentActions> actions) {
		return new AgentActionRegistrar(actions.getObject());
	}

	@Bean
	@ConditionalOnClass(name = "org.springframework.integration.zeromq.ZeroMqProxy")
	static StreamPhases agentStreamPhases() {
		return new StreamPhases();
	}

	@Bean
	@ConditionalOnMissingBean
	StreamsStep agentStreamsStep(ShutdownRecorder recorder, ConfigurableListableBeanFactory beans,
			ObjectProvider<RequestEndpoints> endpoints, ObjectProvider<ManagedStream> streams, ShutdownBudget budget) {
		// Against step 1's own deadline, so that this wait never adds a second drain to the budget.
		return new StreamsStep(recorder, () -> streamComponents(beans),
				() -> endpoints.ifAvailable((all) -> all.awaitStopped(budget.leftForEndpoints(recorder.elapsed()))),
				() -> streams.stream().map(ManagedStream::outcome).reduce(StepOutcome.GRACEFUL, StepOutcome::worst));
	}

	@Bean
	SmartLifecycle agentStreamsStepBegin(StreamsStep step) {
		return step.begin();
	}

	@Bean
	SmartLifecycle agentStreamsStepEnd(StreamsStep step) {
		return step.end();
	}

	private static List<String> streamComponents(ConfigurableListableBeanFactory beans) {
		List<String> names = new ArrayList<>();
		beans.getBeansOfType(SmartLifecycle.class, false, false).forEach((name, lifecycle) -> {
			if (lifecycle.getPhase() == AgentPhases.STREAMS) {
				names.add(name);
			}
		});
		return names;
	}

	@Bean
	@ConditionalOnMissingBean
	AgentStatus agentStatus(AgentProperties properties, Environment environment) {
		return new AgentStatus(agentName(properties, environment));
	}

	@Bean
	@ConditionalOnMissingBean
	AgentJson agentJson(ObjectProvider<JsonMapper> jsonMapper) {
		return new AgentJson(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	AgentMetrics agentMetrics(ObjectProvider<MeterRegistry> registry, AgentStatus status) {
		return new AgentMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), status.name());
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownRecorder agentShutdownRecorder(AgentMetrics metrics) {
		return new ShutdownRecorder(metrics);
	}

	@Bean
	@ConditionalOnMissingBean
	ZmqContextLifecycle agentZmqContext(AgentProperties properties, ShutdownRecorder recorder,
			ApplicationEventPublisher events) {
		return new ZmqContextLifecycle(properties.zmq().linger(), recorder, brokenOnCrash(events));
	}

	/**
	 * Every socket of the agent comes from here: agent-core's settings, then the application's
	 * {@link ZmqSocketCustomizer} beans in their {@code @Order}.
	 */
	@Bean
	@ConditionalOnMissingBean
	ZmqSockets agentZmqSockets(ZmqContextLifecycle context, AgentProperties properties, AgentMetrics metrics,
			CurveTrust trust, ObjectProvider<ZmqSocketCustomizer> customizers, ApplicationEventPublisher events) {
		AgentProperties.Zmq zmq = properties.zmq();
		ZapHandler.Denials denials = new AuthDenials(metrics);
		AgentTrust.startZapHandler(context, trust, denials, brokenOnCrash(events));
		return new ZmqSockets(context.context(), zmq.linger(), zmq.maxMessageSize().toBytes(), zmq.handshakeTimeout(),
				new PeerRefusals(metrics, zmq.maxMessageSize().toBytes()), trust.curve(), denials,
				customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	CurveTrust agentCurveTrust(AgentProperties properties) {
		return AgentTrust.of(properties.zmq().curve());
	}

	@Bean
	@ConditionalOnMissingBean
	HealthReplies agentHealthReplies(AgentStatus status, AgentJson json) {
		return new HealthReplies(status, json.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	RequestEndpoints agentRequestEndpoints(AgentProperties properties, ZmqSockets sockets, AgentActions actions,
			AgentJson json, AgentMetrics metrics, ShutdownRecorder recorder, ShutdownBudget budget, HealthReplies health,
			AgentStatus status, ApplicationEventPublisher events) {
		List<RequestEndpoint> endpoints = new ArrayList<>();
		if (properties.endpoint().enabled()) {
			endpoints.add(endpoint(RequestEndpoint.MAIN, properties.endpoint(), sockets, actions, json, metrics, health,
					events));
		}
		properties.endpoints().forEach((name, endpoint) -> {
			if (endpoint.enabled()) {
				endpoints.add(endpoint(name, endpoint, sockets, actions, json, metrics, health, events));
			}
		});
		RequestEndpoints all = new RequestEndpoints(endpoints, actions, budget, recorder);
		status.inflightSource(all::inflight);
		return all;
	}

	private static RequestEndpoint endpoint(String name, AgentProperties.Endpoint endpoint, ZmqSockets sockets,
			AgentActions actions, AgentJson json, AgentMetrics metrics, HealthReplies health,
			ApplicationEventPublisher events) {
		return new RequestEndpoint(new RequestEndpoint.Settings(name, endpoint.bind(), endpoint.threads(),
				endpoint.maxInflight(), endpoint.maxInflightBytes().toBytes(), endpoint.requestTimeout()), sockets,
				actions, json.mapper(), metrics, health, brokenOnCrash(events));
	}

	@Bean
	@ConditionalOnMissingBean
	EndpointLivenessProbe agentEndpointLivenessProbe(RequestEndpoints endpoints, ZmqSockets sockets,
			AgentProperties properties, ApplicationEventPublisher events) {
		AgentProperties.Liveness liveness = properties.liveness();
		List<EndpointLivenessProbe.Target> targets = endpoints.all()
			.stream()
			.map((endpoint) -> new EndpointLivenessProbe.Target(endpoint.name(), endpoint::boundEndpoint))
			.toList();
		return new EndpointLivenessProbe(targets, sockets, new EndpointLivenessProbe.Settings(liveness.probeInterval(),
				liveness.probeTimeout(), liveness.probeFailures()), brokenOnCrash(events));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnExpression("!'${agent.health.bind:tcp://*:5556}'.trim().equalsIgnoreCase('none')")
	HealthSocket agentHealthSocket(AgentProperties properties, ZmqSockets sockets, AgentStatus status,
			HealthReplies replies, ShutdownRecorder recorder, ApplicationEventPublisher events) {
		return new HealthSocket(properties.health().bind(), sockets, status, replies, recorder, brokenOnCrash(events));
	}

	@Bean
	@ConditionalOnMissingBean
	WorkerManager agentWorkerManager(ObjectProvider<AgentWorker> workers, AgentProperties properties,
			AgentMetrics metrics, ShutdownRecorder recorder) {
		return new WorkerManager(workers.orderedStream().toList(), properties.shutdown().workerJoinTimeout(), metrics,
				recorder);
	}

	@Bean
	@ConditionalOnMissingBean
	AgentClients agentClients(ZmqSockets sockets, AgentJson json, ShutdownRecorder recorder, AgentMetrics metrics,
			ApplicationEventPublisher events) {
		return new AgentClients(sockets, json.mapper(), recorder, metrics, brokenOnCrash(events));
	}

	@Bean
	@ConditionalOnMissingBean
	DrainCoordinator agentDrainCoordinator(ApplicationContext context, AgentStatus status, ShutdownRecorder recorder,
			ObjectProvider<DrainListener> listeners, AgentProperties properties) {
		return new DrainCoordinator(context, status, recorder, listeners.orderedStream().toList(),
				properties.shutdown().delay());
	}

	@Bean
	@ConditionalOnMissingBean
	ReportFiles agentReportFiles(AgentProperties properties, AgentStatus status, AgentJson json) {
		String configured = properties.shutdown().reportFile();
		Path file = (configured != null && !configured.isBlank()) ? Path.of(configured)
				: Path.of(System.getProperty("java.io.tmpdir"), "agentry", status.name(), "last-shutdown.json");
		return new ReportFiles(file, json.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownReportWriter agentShutdownReportWriter(AgentStatus status, ShutdownRecorder recorder, ReportFiles files,
			ObjectProvider<MeterRegistry> registries, AgentJson json) {
		return new ShutdownReportWriter(status, recorder, files, registries.orderedStream().toList(), json.mapper());
	}

	@Bean
	@ConditionalOnMissingBean
	ShutdownBudget agentShutdownBudget(AgentProperties properties, Environment environment) {
		return shutdownBudget(properties, environment);
	}

	/** The budget of these settings, before the streams and clients are counted. */
	static ShutdownBudget shutdownBudget(AgentProperties properties, Environment environment) {
		AgentProperties.Shutdown shutdown = properties.shutdown();
		boolean curve = properties.zmq().curve() != null && properties.zmq().curve().enabled();
		boolean push = environment.getProperty("management.prometheus.metrics.export.pushgateway.enabled",
				Boolean.class, false);
		return new ShutdownBudget(shutdown.delay(), shutdown.drainTimeout(), shutdown.workerJoinTimeout(),
				properties.zmq().linger(), shutdown.gracePeriod(), 0, 0, curve, push);
	}

	@Bean
	AgentReadyListener agentReadyListener(AgentStatus status, ShutdownBudget budget, ReportFiles files,
			AgentMetrics metrics, ObjectProvider<ManagedStream> streams, ObjectProvider<AgentClients> clients) {
		// Counted once the agent is ready, when every stream and client bean exists.
		return new AgentReadyListener(status, () -> budget.withParts((int) streams.stream().count(),
				clients.stream().mapToInt(AgentClients::count).sum()), files, metrics);
	}

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

	static String agentName(AgentProperties properties, Environment environment) {
		if (properties.name() != null && !properties.name().isBlank()) {
			return properties.name();
		}
		return environment.getProperty("spring.application.name", "agent");
	}

	/** {@code agent.advertise-host}, else {@code POD_IP}, else this host's address. */
	public static String advertiseHost(AgentProperties properties, Environment environment) {
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

	private static Consumer<Throwable> brokenOnCrash(ApplicationEventPublisher events) {
		// A socket thread that died, or an endpoint that no longer answers, leaves the agent unable
		// to serve: liveness lets Kubernetes restart it, readiness stops traffic until then.
		return (failure) -> {
			AvailabilityChangeEvent.publish(events, failure, LivenessState.BROKEN);
			AvailabilityChangeEvent.publish(events, failure, ReadinessState.REFUSING_TRAFFIC);
		};
	}

}
