package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart's monitoring as plain files, for the tests that feed them to promtool and a real
 * Prometheus: the rule groups are the rendered PrometheusRule's {@code spec} (one source, the
 * chart's template), the dashboard is the chart's {@code files/agentry-dashboard.json}.
 */
public final class ChartMonitoring {

	/** The dashboard's one source, read by the chart's ConfigMap. */
	public static final Path DASHBOARD = Repository.CHART.resolve("files/agentry-dashboard.json");

	/** The same dashboard under docs/, for users without the chart. */
	public static final Path DOCS_DASHBOARD = Repository.ROOT.resolve("docs/agentry-dashboard.json");

	public static final Path README = Repository.ROOT.resolve("README.md");

	private ChartMonitoring() {
	}

	/**
	 * Renders the PrometheusRule with the default values (helm is required: the test is skipped
	 * without it, failed under agentry.require-tools) and writes its spec as a Prometheus rule
	 * file in {@code dir}.
	 */
	public static Path writeRuleFile(Path dir, String fileName) throws IOException, InterruptedException {
		String manifest = Helm.require(dir.resolve("helm-home"))
			.template(List.of(), "metrics.prometheusRule.enabled=true")
			.outIfSucceeded();
		Path file = dir.resolve(fileName);
		new YAMLMapper().writeValue(file.toFile(), prometheusRule(manifest).get("spec"));
		return file;
	}

	/** The one PrometheusRule document of a rendering, as a tree. */
	static JsonNode prometheusRule(String manifests) throws IOException {
		List<JsonNode> found = new ArrayList<>();
		try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(manifests)) {
			while (documents.hasNext()) {
				JsonNode document = documents.next();
				if (document != null && "PrometheusRule".equals(document.path("kind").asText())) {
					found.add(document);
				}
			}
		}
		if (found.size() != 1) {
			throw new AssertionError("Expected one PrometheusRule, found " + found.size());
		}
		return found.get(0);
	}

	/** Every rule of a rule file: each an object with {@code alert} or {@code record} and {@code expr}. */
	public static List<JsonNode> rules(Path ruleFile) throws IOException {
		List<JsonNode> rules = new ArrayList<>();
		new YAMLMapper().readTree(ruleFile.toFile()).get("groups").forEach((group) -> group.get("rules").forEach(rules::add));
		return rules;
	}

	/** The dashboard's panels' queries, each with its panel's title. */
	public static List<Query> dashboardQueries() throws IOException {
		JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
		List<Query> queries = new ArrayList<>();
		dashboard.get("panels").forEach((panel) -> panel.path("targets")
			.forEach((target) -> queries.add(new Query(panel.get("title").asText(), target.get("legendFormat").asText(),
					target.get("expr").asText()))));
		return queries;
	}

	/** One query of a panel. */
	public record Query(String panel, String legend, String expr) {

		/** With the dashboard's variables set to "All" and Grafana's rate interval fixed, as Grafana would send it. */
		public String resolved(String rateInterval) {
			return this.expr.replace("$namespace", ".*")
				.replace("$agent", ".*")
				.replace("$instance", ".*")
				.replace("$__rate_interval", rateInterval);
		}

	}

}
