package dev.agentry.samples.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The values the chart is checked with, and the agents each enables. */
enum ValuesSet {

	DEFAULT(List.of(), Set.of("service-registry", "model-worker", "request-coordinator",
			"streaming-interrupt-handler", "observability-hub")),

	PRODUCTION(List.of(Repository.PRODUCTION_VALUES), Set.of("service-registry", "model-worker",
			"request-coordinator", "streaming-interrupt-handler"));

	private final List<Path> files;

	private final Set<String> agents;

	ValuesSet(List<Path> files, Set<String> agents) {
		this.files = files;
		this.agents = agents;
	}

	List<Path> files() {
		return this.files;
	}

	Set<String> agents() {
		return this.agents;
	}

}
