package dev.agentry.core;

import java.util.function.Consumer;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/** What a crashed socket thread does to the agent's Actuator probes. */
public final class AgentAvailability {

	private AgentAvailability() {
	}

	/**
	 * A socket thread that died, or an endpoint that no longer answers, leaves the agent unable
	 * to serve: liveness lets Kubernetes restart it, readiness stops traffic until then.
	 */
	public static Consumer<Throwable> brokenOnCrash(ApplicationEventPublisher events) {
		return (failure) -> {
			AvailabilityChangeEvent.publish(events, failure, LivenessState.BROKEN);
			AvailabilityChangeEvent.publish(events, failure, ReadinessState.REFUSING_TRAFFIC);
		};
	}

}
