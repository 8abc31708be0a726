package dev.agentry.samples.deploy;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What an agent's log must show after a graceful stop: every step of DESIGN.md's order. */
final class ShutdownLog {

	/** agent-core's own steps, and Spring Boot's graceful web server stop as step 6. */
	private static final List<String> STEPS = List.of("Shutdown step 0 (delay)", "Shutdown step 1 (endpoints)",
			"Shutdown step 2 (streams)", "Shutdown step 3 (workers)", "Shutdown step 4 (health)",
			"Shutdown step 5 (context)", "Commencing graceful shutdown", "Graceful shutdown complete",
			"Shutdown step 7 (report)");

	private ShutdownLog() {
	}

	static void assertEveryStep(String who, String log) {
		int from = 0;
		for (String step : STEPS) {
			int at = log.indexOf(step, from);
			assertThat(at).as("%s logs \"%s\" after the step before it; log:%n%s", who, step, log)
				.isNotNegative();
			from = at;
		}
		assertThat(log).as("%s's log", who).contains("(graceful, ");
	}

}
