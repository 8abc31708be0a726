package dev.agentry.samples.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the deployment files are: the repository root, found upwards from the working directory. */
final class Repository {

	static final Path ROOT = find();

	static final Path CHART = ROOT.resolve("helm/agentry");

	static final Path PRODUCTION_VALUES = CHART.resolve("ci/production-values.yaml");

	static final Path TRUST_VALUES = CHART.resolve("ci/trust-values.yaml");

	static final Path TRUST_KUBERNETES_VALUES = CHART.resolve("ci/trust-kubernetes-values.yaml");

	static final Path REGISTRY_VALUES = CHART.resolve("ci/registry-values.yaml");

	static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

	static final Path COMPOSE = ROOT.resolve("compose.yaml");

	static final Path COMPOSE_CURVE = ROOT.resolve("compose.curve.yaml");

	static final Path TOOLS = ROOT.resolve(".tools");

	private Repository() {
	}

	private static Path find() {
		// Maven runs the tests in the module's folder, an IDE may run them in the root.
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("helm/agentry/Chart.yaml"))) {
				return dir;
			}
		}
		throw new IllegalStateException("No helm/agentry/Chart.yaml above " + Path.of("").toAbsolutePath());
	}

}
