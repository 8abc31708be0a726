package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The values the chart is checked with, the agents each runs, whether trust is on, and how
 * the agents find each other.
 */
enum ValuesSet {

	/** discovery: kubernetes, the chart's default: the service-registry does not run. */
	DEFAULT(List.of(), Set.of("model-worker", "request-coordinator", "streaming-interrupt-handler",
			"observability-hub"), false, Discovery.KUBERNETES),

	/** The defaults with discovery: registry, the shape the chart had before discovery. */
	REGISTRY_DISCOVERY(List.of(Repository.REGISTRY_VALUES), Set.of("service-registry", "model-worker",
			"request-coordinator", "streaming-interrupt-handler", "observability-hub"), false, Discovery.REGISTRY),

	PRODUCTION(List.of(Repository.PRODUCTION_VALUES), Set.of("model-worker", "request-coordinator",
			"streaming-interrupt-handler"), true, Discovery.KUBERNETES),

	/** CURVE and the NetworkPolicies on with discovery: registry, everything else as by default. */
	TRUST(List.of(Repository.TRUST_VALUES), Set.of("service-registry", "model-worker", "request-coordinator",
			"streaming-interrupt-handler", "observability-hub"), true, Discovery.REGISTRY),

	/** CURVE and the NetworkPolicies on with discovery: kubernetes, everything else as by default. */
	TRUST_KUBERNETES(List.of(Repository.TRUST_KUBERNETES_VALUES), Set.of("model-worker", "request-coordinator",
			"streaming-interrupt-handler", "observability-hub"), true, Discovery.KUBERNETES);

	/** The chart's {@code discovery} value. */
	enum Discovery {

		/** Headless Services; no registration, no registry pod. */
		KUBERNETES,

		/** The service-registry agent, with which every other agent registers. */
		REGISTRY

	}

	private final List<Path> files;

	private final Set<String> agents;

	private final boolean trust;

	private final Discovery discovery;

	ValuesSet(List<Path> files, Set<String> agents, boolean trust, Discovery discovery) {
		this.files = files;
		this.agents = agents;
		this.trust = trust;
		this.discovery = discovery;
	}

	List<Path> files() {
		return this.files;
	}

	/** The agents that run: a Deployment and a Service each. */
	Set<String> agents() {
		return this.agents;
	}

	/** security.curve.enabled and networkPolicy.enabled. */
	boolean trust() {
		return this.trust;
	}

	Discovery discovery() {
		return this.discovery;
	}

}
