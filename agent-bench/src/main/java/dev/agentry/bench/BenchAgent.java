package dev.agentry.bench;

import java.util.Map;

import dev.agentry.core.endpoint.ActionRequest;
import dev.agentry.core.endpoint.AgentAction;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Component;

/**
 * The agent under measurement: agent-core with a trivial JSON handler ({@code echo} sends the
 * request's {@code pad} back) and a slow one ({@code slow}, for shutdowns with requests in
 * flight). Started by {@code java -jar agent-bench.jar agent [--property=value ...]}.
 */
@SpringBootApplication
public class BenchAgent {

	public static void main(String[] args) {
		SpringApplication.run(BenchAgent.class, args);
	}

	@Component
	static class Handlers {

		record Slow(long millis) {
		}

		@AgentAction("echo")
		Map<String, Object> echo(ActionRequest request) {
			return Map.of("pad", request.body().path("pad").asString(""));
		}

		@AgentAction("slow")
		Map<String, Object> slow(Slow slow) throws InterruptedException {
			Thread.sleep(slow.millis());
			return Map.of("slept", slow.millis());
		}

	}

}
