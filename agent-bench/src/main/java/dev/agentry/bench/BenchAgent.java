package dev.agentry.bench;

import java.util.Map;

import dev.agentry.core.endpoint.ActionRequest;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.zmq.ZmqLoop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The agent under measurement: agent-core with a trivial JSON handler ({@code echo} sends the
 * request's {@code pad} back; inline, on the endpoint's socket thread, or with
 * {@code --bench.pool-echo=true} on the handler pool as a handler that may block would run)
 * and a slow one ({@code slow}, for shutdowns with requests in flight). Started by
 * {@code java -jar agent-bench.jar agent [--property=value ...]}.
 */
@SpringBootApplication
public class BenchAgent {

	public static void main(String[] args) {
		SpringApplication.run(BenchAgent.class, args);
	}

	static Map<String, Object> echo(ActionRequest request) {
		return Map.of("pad", request.body().path("pad").asString(""));
	}

	@Component
	@ConditionalOnProperty(name = "bench.pool-echo", havingValue = "false", matchIfMissing = true)
	static class InlineEcho {

		@AgentAction(value = "echo", inline = true)
		Map<String, Object> echo(ActionRequest request) {
			return BenchAgent.echo(request);
		}

	}

	@Component
	@ConditionalOnProperty(name = "bench.pool-echo", havingValue = "true")
	static class PoolEcho {

		@AgentAction("echo")
		Map<String, Object> echo(ActionRequest request) {
			return BenchAgent.echo(request);
		}

	}

	@Component
	static class Handlers {

		record Slow(long millis) {
		}

		@AgentAction("slow")
		Map<String, Object> slow(Slow slow) throws InterruptedException {
			Thread.sleep(slow.millis());
			return Map.of("slept", slow.millis());
		}

	}

	/** Over HTTP, so that asking does not add to what the endpoint counts. */
	@RestController
	static class Polls {

		@GetMapping("/bench/polls")
		long polls() {
			return ZmqLoop.totalPolls();
		}

	}

}
