package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The values the chart is checked with, the agents each enables, and whether trust is on. */
enum ValuesSet {

	DEFAULT(List.of(), Set.of("service-registry", "model-worker", "request-coordinator",
			"streaming-interrupt-handler", "observability-hub"), false),

	PRODUCTION(List.of(Repository.PRODUCTION_VALUES), Set.of("service-registry", "model-worker",
			"request-coordinator", "streaming-interrupt-handler"), true),

	/** CURVE and the NetworkPolicies on, everything else as by default. */
	TRUST(List.of(Repository.TRUST_VALUES), Set.of("service-registry", "model-worker", "request-coordinator",
			"streaming-interrupt-handler", "observability-hub"), true);

	private final List<Path> files;

	private final Set<String> agents;

	private final boolean trust;

	ValuesSet(List<Path> files, Set<String> agents, boolean trust) {
		this.files = files;
		this.agents = agents;
		this.trust = trust;
	}

	List<Path> files() {
		return this.files;
	}

	Set<String> agents() {
		return this.agents;
	}

	/** security.curve.enabled and networkPolicy.enabled. */
	boolean trust() {
		return this.trust;
	}

}
