package dev.agentry.core.testapp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.client.AgentClient;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.endpoint.ActionRequest;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.worker.AgentWorker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/** An agent for tests, in-process or as a child JVM: a few actions and optional workers. */
@SpringBootApplication
public class TestAgentApplication {

	public static void main(String[] args) {
		SpringApplication.run(TestAgentApplication.class, args);
	}

	@Bean
	@ConditionalOnProperty("test-agent.heartbeat")
	AgentWorker heartbeat() {
		return AgentWorker.periodic("heartbeat", Duration.ofMillis(50), () -> {
		});
	}

	/** Ignores its stop signal: it sleeps without looking at the context, for as long as it likes. */
	@Bean
	@ConditionalOnProperty("test-agent.stubborn-worker")
	AgentWorker stubborn() {
		return AgentWorker.of("stubborn", (context) -> {
			while (true) {
				try {
					Thread.sleep(60_000);
				}
				catch (InterruptedException ex) {
					// Deliberately deaf to everything, as a badly written worker is.
				}
			}
		});
	}

	/** A stream whose close never returns: step 2 gives up on it after its bound. */
	@Bean
	@ConditionalOnProperty("test-agent.stuck-stream")
	ManagedStream stuckStream() {
		DisposableBean stuck = () -> Thread.sleep(600_000);
		return ManagedStream.closing("stuck", stuck);
	}

	/** A client of a peer that never answers (the test's socket that reads nothing). */
	@Bean
	@ConditionalOnProperty("test-agent.silent-client")
	AgentClient silentClient(AgentClients clients, @Value("${test-agent.silent-client}") String endpoint) {
		AgentClient client = clients.create("silent", List.of(endpoint));
		// A call left pending: the peer reads it and never answers.
		client.callAsync(JsonMapper.builder().build().createObjectNode().put("action", "echo"), Duration.ofMinutes(5));
		return client;
	}

	/**
	 * A stream-phase lifecycle that depends on the endpoints bean: Spring stops it early, as a
	 * dependent, in the endpoints' phase, and its callback must not end that phase's drain.
	 */
	@Bean
	@ConditionalOnProperty("test-agent.dependent-stream")
	SmartLifecycle dependentStream(RequestEndpoints endpoints) {
		return new SmartLifecycle() {

			private volatile boolean running;

			@Override
			public void start() {
				this.running = !endpoints.all().isEmpty();
			}

			@Override
			public void stop() {
				this.running = false;
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

			@Override
			public int getPhase() {
				return AgentPhases.STREAMS;
			}

		};
	}

	@Component
	static class Handlers {

		record Slow(long millis) {
		}

		record Typed(int count, String name) {
		}

		@AgentAction("echo")
		Map<String, Object> echo(ActionRequest request) {
			return Map.of("echo", request.body());
		}

		@AgentAction("slow")
		Map<String, Object> slow(Slow slow) throws InterruptedException {
			Thread.sleep(slow.millis());
			return Map.of("slept", slow.millis());
		}

		@AgentAction("typed")
		Map<String, Object> typed(Typed typed) {
			return Map.of("count", typed.count(), "name", String.valueOf(typed.name()));
		}

		@AgentAction("fail")
		Object fail() {
			throw new IllegalStateException("secret internal detail: db password is hunter2");
		}

		@AgentAction("nothing")
		void nothing() {
		}

	}

	/**
	 * An endpoint with inline and pool actions side by side; the main endpoint keeps the
	 * default path (requests parsed on the handler threads).
	 */
	@Component
	@ConditionalOnProperty("agent.endpoints.inline.bind")
	static class InlineHandlers {

		/** Which thread ran it: the endpoint's socket thread when inline. */
		@AgentAction(value = "thread-inline", endpoint = "inline", inline = true)
		Map<String, Object> threadInline() {
			return Map.of("thread", Thread.currentThread().getName());
		}

		@AgentAction(value = "thread-pool", endpoint = "inline")
		Map<String, Object> threadPool() {
			return Map.of("thread", Thread.currentThread().getName());
		}

		@AgentAction(value = "fail-inline", endpoint = "inline", inline = true)
		Object failInline() {
			throw new IllegalStateException("secret inline detail");
		}

		/** Holds the endpoint's socket thread for good: an endpoint that can no longer serve. */
		@AgentAction(value = "wedge-inline", endpoint = "inline", inline = true)
		Map<String, Object> wedgeInline() {
			java.util.concurrent.locks.LockSupport.park();
			return Map.of();
		}

		@AgentAction(value = "slow-inline", endpoint = "inline", inline = true)
		Map<String, Object> slowInline() throws InterruptedException {
			// What an inline handler must never do; the endpoint logs it.
			Thread.sleep(50);
			return Map.of();
		}

	}

}
