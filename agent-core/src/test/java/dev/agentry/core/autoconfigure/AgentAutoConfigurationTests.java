package dev.agentry.core.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.agentry.core.AgentStatus;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.endpoint.AgentActions;
import dev.agentry.core.endpoint.RequestEndpoint;
import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.health.HealthSocket;
import dev.agentry.core.registry.RegistryClient;
import dev.agentry.core.metrics.AgentMetrics;
import dev.agentry.core.shutdown.ShutdownBudget;
import dev.agentry.core.shutdown.ShutdownRecorder;
import dev.agentry.core.shutdown.StepOutcome;
import dev.agentry.core.shutdown.StepRecord;
import dev.agentry.core.worker.AgentWorker;
import dev.agentry.core.zmq.ZmqContextLifecycle;
import dev.agentry.core.zmq.ZmqSockets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class AgentAutoConfigurationTests {

	private static final Duration GENEROUS = Duration.ofSeconds(30);

	@TempDir
	Path reports;

	private ApplicationContextRunner runner;

	@BeforeEach
	void createRunner() {
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AgentAutoConfiguration.class))
			.withPropertyValues("agent.endpoint.bind=tcp://127.0.0.1:*", "agent.health.bind=tcp://127.0.0.1:*",
					"agent.zmq.linger=100ms", "agent.shutdown.drain-timeout=2s",
					"agent.shutdown.report-file=" + this.reports.resolve("last-shutdown.json"));
	}

	@Test
	void autoConfigurationDefinesEveryAgentBean() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(AgentStatus.class)
				.hasSingleBean(ZmqContextLifecycle.class)
				.hasSingleBean(ZmqSockets.class)
				.hasSingleBean(RequestEndpoints.class)
				.hasSingleBean(HealthSocket.class)
				.hasBean("agentWorkerManager")
				.hasSingleBean(AgentClients.class)
				.hasBean("agentDrainCoordinator")
				.hasBean("agentShutdownReportWriter")
				.hasSingleBean(ShutdownBudget.class)
				.hasSingleBean(AgentActions.class);
		});
	}

	@Test
	void startedAgentAnswersHealthCheckOnItsMainEndpointAndHealthSocket() {
		this.runner.withPropertyValues("agent.name=probe").run((context) -> {
			RequestEndpoint main = context.getBean(RequestEndpoints.class).get(RequestEndpoint.MAIN).orElseThrow();
			assertThat(main.isRunning()).isTrue();
			assertThat(main.boundEndpoint()).startsWith("tcp://127.0.0.1:").doesNotEndWith(":*");
			JsonNode endpointReply = call(main.boundEndpoint(), "{\"action\":\"health_check\"}");
			assertThat(endpointReply.path("status").asString()).isEqualTo("ok");
			assertThat(endpointReply.path("agent").asString()).isEqualTo("probe");
			HealthSocket health = context.getBean(HealthSocket.class);
			assertThat(health.boundEndpoint()).startsWith("tcp://127.0.0.1:");
			JsonNode healthReply = call(health.boundEndpoint(), "{\"action\":\"health_check\"}");
			assertThat(healthReply.path("status").asString()).isEqualTo("ok");
			assertThat(healthReply.path("agent").asString()).isEqualTo("probe");
			assertThat(healthReply.path("state").asString()).isNotBlank();
		});
	}

	@Test
	void userAgentStatusReplacesTheAutoConfiguredOne() {
		AgentStatus mine = new AgentStatus("mine", "mine-1");
		this.runner.withBean(AgentStatus.class, () -> mine).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(AgentStatus.class);
			assertThat(context.getBean(AgentStatus.class)).isSameAs(mine);
		});
	}

	@Test
	void userBeansOfOtherTypesReplaceTheAutoConfiguredOnes() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ZERO, Duration.ofSeconds(30));
		AgentActions actions = new AgentActions();
		this.runner.withBean(ShutdownBudget.class, () -> budget)
			.withBean(AgentActions.class, () -> actions)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(ShutdownBudget.class).isSameAs(budget);
				assertThat(context).getBean(AgentActions.class).isSameAs(actions);
			});
	}

	@Test
	void healthBindNoneRemovesTheHealthSocket() {
		this.runner.withPropertyValues("agent.health.bind=none").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(HealthSocket.class);
			assertThat(context).hasSingleBean(RequestEndpoints.class);
		});
	}

	@Test
	void aRegistryEndpointRegistersAndNoneOrNothingDoesNot() {
		this.runner.withPropertyValues("agent.registry.endpoint=tcp://127.0.0.1:1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RegistryClient.class).hasBean("agentRegistryRegistration");
		});
		for (String none : new String[] { "agent.registry.endpoint=none", "agent.registry.endpoint= NONE ",
				"agent.registry.endpoint=", "agent.name=no-registry" }) {
			this.runner.withPropertyValues(none).run((context) -> {
				assertThat(context).as(none).hasNotFailed();
				assertThat(context).as(none).doesNotHaveBean(RegistryClient.class)
					.doesNotHaveBean("agentRegistryRegistration");
			});
		}
	}

	@Test
	void healthBindNoneInAnyCaseAndWithSpacesRemovesTheHealthSocket() {
		this.runner.withPropertyValues("agent.health.bind= None ").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(HealthSocket.class);
		});
	}

	@Test
	void endpointBindNoneLeavesNoMainEndpoint() {
		this.runner.withPropertyValues("agent.endpoint.bind=none").run((context) -> {
			assertThat(context).hasNotFailed();
			RequestEndpoints endpoints = context.getBean(RequestEndpoints.class);
			assertThat(endpoints.get(RequestEndpoint.MAIN)).isEmpty();
			assertThat(endpoints.all()).isEmpty();
			assertThat(context).hasSingleBean(HealthSocket.class);
		});
	}

	@Test
	void furtherEndpointsAreStartedNextToTheMainOne() {
		this.runner.withPropertyValues("agent.endpoints.admin.bind=tcp://127.0.0.1:*").run((context) -> {
			assertThat(context).hasNotFailed();
			RequestEndpoints endpoints = context.getBean(RequestEndpoints.class);
			assertThat(endpoints.all()).extracting(RequestEndpoint::name)
				.containsExactlyInAnyOrder(RequestEndpoint.MAIN, "admin");
			assertThat(endpoints.all()).allSatisfy((endpoint) -> assertThat(endpoint.isRunning()).isTrue());
		});
	}

	@Test
	void agentNameDefaultsToSpringApplicationName() {
		this.runner.withPropertyValues("spring.application.name=model-worker")
			.run((context) -> assertThat(context.getBean(AgentStatus.class).name()).isEqualTo("model-worker"));
	}

	@Test
	void agentNameWinsOverSpringApplicationName() {
		this.runner.withPropertyValues("spring.application.name=model-worker", "agent.name=worker-7")
			.run((context) -> assertThat(context.getBean(AgentStatus.class).name()).isEqualTo("worker-7"));
	}

	@Test
	void agentNameWithoutAnyNameIsAgent() {
		this.runner.run((context) -> assertThat(context.getBean(AgentStatus.class).name()).isEqualTo("agent"));
	}

	@Test
	void agentActionMethodsAreRegisteredForTheirEndpoint() {
		this.runner.withUserConfiguration(MainActionConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(AgentActions.class).actions(RequestEndpoint.MAIN)).containsExactly("ping");
			String endpoint = context.getBean(RequestEndpoints.class)
				.get(RequestEndpoint.MAIN)
				.orElseThrow()
				.boundEndpoint();
			JsonNode reply = call(endpoint, "{\"action\":\"ping\",\"id\":\"p-1\"}");
			assertThat(reply.path("status").asString()).isEqualTo("ok");
			assertThat(reply.path("id").asString()).isEqualTo("p-1");
			assertThat(reply.path("pong").asBoolean()).isTrue();
		});
	}

	@Test
	void agentActionForAnEndpointThatIsNotConfiguredFailsTheStartWithAClearMessage() {
		this.runner.withUserConfiguration(AdminActionConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("[status]")
				.hasMessageContaining("'admin'")
				.hasMessageContaining("not configured")
				.hasMessageContaining("agent.endpoints.admin.bind");
		});
	}

	@Test
	void failedStartStopsTheWorkersAndClosesTheZmqContextAndItsSockets() {
		ZmqContextLifecycle zmq = new ZmqContextLifecycle(Duration.ofMillis(100),
				new ShutdownRecorder(new AgentMetrics(new SimpleMeterRegistry(), "test-agent")));
		CountDownLatch workerStarted = new CountDownLatch(1);
		CountDownLatch workerEnded = new CountDownLatch(1);
		this.runner.withUserConfiguration(AdminActionConfiguration.class)
			.withBean(ZmqContextLifecycle.class, () -> zmq)
			.withBean("waiter", AgentWorker.class, () -> AgentWorker.of("waiter", (worker) -> {
				workerStarted.countDown();
				while (worker.sleep(Duration.ofMillis(10))) {
					// Waits for the stop.
				}
				workerEnded.countDown();
			}))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(zmq.context().isClosed()).isTrue();
				assertThat(zmq.context().getSockets()).isEmpty();
				// Workers start before the endpoints whose start fails, so they have to be stopped again.
				assertThat(workerStarted.getCount()).isZero();
				await().atMost(GENEROUS).until(() -> workerEnded.getCount() == 0);
			});
	}

	@Test
	void agentActionForTheMainEndpointWhenItIsSetToNoneFailsTheStartWithAClearMessage() {
		this.runner.withUserConfiguration(MainActionConfiguration.class)
			.withPropertyValues("agent.endpoint.bind=none")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(IllegalStateException.class)
					.hasMessageContaining("[ping]")
					.hasMessageContaining("'main'")
					.hasMessageContaining("agent.endpoint.bind");
			});
	}

	@Test
	void agentActionForAConfiguredFurtherEndpointStarts() {
		this.runner.withUserConfiguration(AdminActionConfiguration.class)
			.withPropertyValues("agent.endpoints.admin.bind=tcp://127.0.0.1:*")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(AgentActions.class).actions("admin")).containsExactly("status");
			});
	}

	@Test
	void agentWorkerBeansArePickedUpByTheWorkerManager() {
		CountDownLatch firstRun = new CountDownLatch(1);
		AtomicInteger otherRuns = new AtomicInteger();
		this.runner
			.withBean("heartbeat", AgentWorker.class,
					() -> AgentWorker.periodic("heartbeat", Duration.ofMillis(10), firstRun::countDown))
			.withBean("other", AgentWorker.class,
					() -> AgentWorker.periodic("other", Duration.ofMillis(10), otherRuns::incrementAndGet))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("agentWorkerManager", SmartLifecycle.class).isRunning()).isTrue();
				await().atMost(GENEROUS).until(() -> firstRun.getCount() == 0 && otherRuns.get() > 0);
			});
	}

	@Test
	void closingTheContextStopsTheWorkersAndRecordsEveryStepInOrder() {
		this.runner
			.withBean("heartbeat", AgentWorker.class,
					() -> AgentWorker.periodic("heartbeat", Duration.ofMillis(10), () -> {
					}))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShutdownRecorder recorder = context.getBean(ShutdownRecorder.class);
				ZmqContextLifecycle zmq = context.getBean(ZmqContextLifecycle.class);
				SmartLifecycle workers = context.getBean("agentWorkerManager", SmartLifecycle.class);
				context.close();
				assertThat(workers.isRunning()).isFalse();
				assertThat(zmq.context().isClosed()).isTrue();
				List<StepRecord> steps = recorder.steps();
				assertThat(steps).extracting(StepRecord::step)
					.containsSubsequence("delay", "endpoints", "workers", "health", "context");
				assertThat(steps).filteredOn((step) -> step.step().equals("workers"))
					.extracting(StepRecord::component, StepRecord::outcome)
					.containsExactly(tuple("heartbeat", StepOutcome.GRACEFUL));
				assertThat(steps).extracting(StepRecord::outcome).containsOnly(StepOutcome.GRACEFUL);
				assertThat(this.reports.resolve("last-shutdown.json")).exists();
			});
	}

	/**
	 * One request over a REQ socket, with a receive timeout so that a silent agent fails the
	 * test instead of hanging it. The short handshake interval works around a JeroMQ 0.6.0 race
	 * on the connecting side (zeromq/jeromq#1022): about 2 % of fresh TCP connections never
	 * start their handshake until ZMQ_HANDSHAKE_IVL (30 s by default) makes them reconnect.
	 */
	private static JsonNode call(String endpoint, String request) {
		try (ZContext context = new ZContext(1)) {
			ZMQ.Socket socket = context.createSocket(SocketType.REQ);
			socket.setLinger(0);
			socket.setHandshakeIvl(500);
			socket.setReceiveTimeOut(10_000);
			socket.connect(endpoint);
			socket.send(request);
			String reply = socket.recvStr();
			assertThat(reply).as("reply of %s to %s", endpoint, request).isNotNull();
			return JsonMapper.builder().build().readTree(reply);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class MainActionConfiguration {

		@Bean
		PingActions pingActions() {
			return new PingActions();
		}

	}

	static class PingActions {

		@AgentAction("ping")
		Map<String, Object> ping() {
			return Map.of("pong", true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AdminActionConfiguration {

		@Bean
		AdminActions adminActions() {
			return new AdminActions();
		}

	}

	static class AdminActions {

		@AgentAction(value = "status", endpoint = "admin")
		Map<String, Object> status() {
			return Map.of("up", true);
		}

	}

}
