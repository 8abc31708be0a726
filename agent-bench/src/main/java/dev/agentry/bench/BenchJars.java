package dev.agentry.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.agentry.test.JarLocation;

/**
 * The jars the benchmark starts: its own (the agent and the raw router), the baseline app's
 * and the samples', all built by the README's build next to each other.
 */
record BenchJars(Path bench, Path baseline, Path samples) {

	/** @throws IllegalStateException naming what is missing and how to build it */
	static BenchJars locate() {
		Path bench = JarLocation.of(Bench.class)
			.orElseThrow(() -> new IllegalStateException("run the benchmark as java -jar agent-bench/target/agent-bench.jar"));
		Path root = bench.getParent().getParent().getParent();
		BenchJars jars = new BenchJars(bench, root.resolve("bench-baseline/target/bench-baseline.jar"),
				root.resolve("agent-samples/target/agent-samples.jar"));
		for (Path jar : new Path[] { jars.baseline, jars.samples }) {
			if (!Files.isRegularFile(jar)) {
				throw new IllegalStateException("missing " + jar + "; build everything first: ./mvnw -q -B install -DskipTests");
			}
		}
		return jars;
	}

}
