package dev.agentry.bench.baseline;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The baseline the benchmarks hold agents against: a plain Spring Boot 4 web app with
 * Actuator and Prometheus, agent-core's dependencies, and agent-core's Spring defaults
 * (graceful shutdown, probes), but no agent-core. Its one endpoint sleeps, so that a
 * shutdown with requests in flight can be measured too.
 */
@SpringBootApplication
public class BaselineApplication {

	public static void main(String[] args) {
		SpringApplication.run(BaselineApplication.class, args);
	}

	@RestController
	static class Slow {

		@GetMapping("/slow")
		Map<String, Object> slow(@RequestParam long millis) throws InterruptedException {
			Thread.sleep(millis);
			return Map.of("slept", millis);
		}

	}

}
