package dev.agentry.samples.verify;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.agentry.test.Load;
import dev.agentry.test.ShutdownCheck;
import dev.agentry.test.Signal;

/** The ways verify-shutdown stops an agent; each is one row per agent. */
enum Scenario {

	/** Ready, no traffic, SIGTERM. */
	IDLE("idle"),

	/** SIGTERM under steady load: every request in flight and every late one answered. */
	LOAD("load"),

	/**
	 * SIGTERM while requests run longer than the drain timeout: they are answered
	 * {@code timeout} and counted {@code forced}, a client connecting during the drain is
	 * answered, and the exit still comes within the budget. Only agents with a slow action.
	 */
	DRAIN_TIMEOUT("drain-timeout"),

	/** SIGTERM while the Spring context is still starting. */
	STARTUP("startup"),

	/** SIGTERM under load, then a second SIGTERM during the drain. */
	SECOND_SIGTERM("second-sigterm"),

	/** Ctrl+C under load. */
	SIGINT("sigint");

	/** When the late client of {@link #DRAIN_TIMEOUT} connects: after the delay, inside the drain. */
	static final Duration LATE_REQUEST_AFTER = VerifySettings.DELAY.plusMillis(500);

	private final String id;

	Scenario(String id) {
		this.id = id;
	}

	String id() {
		return this.id;
	}

	static Scenario of(String id) {
		return Arrays.stream(values())
			.filter((scenario) -> scenario.id.equals(id))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"unknown scenario '" + id + "' (known: " + String.join(", ", ids()) + ")"));
	}

	static List<String> ids() {
		return Arrays.stream(values()).map(Scenario::id).toList();
	}

	/** Sets the check up for this scenario with the agent's load. */
	ShutdownCheck configure(ShutdownCheck check, Load load) {
		check.scenario(this.id);
		return switch (this) {
			case IDLE -> check;
			case LOAD -> check.load(load);
			case DRAIN_TIMEOUT -> check.load(load).expectForced().lateRequestAfter(LATE_REQUEST_AFTER);
			case STARTUP -> check.duringStartup();
			case SECOND_SIGTERM -> check.load(load).secondSignalAfter(Duration.ofMillis(300));
			case SIGINT -> check.load(load).signal(Signal.INT);
		};
	}

}
