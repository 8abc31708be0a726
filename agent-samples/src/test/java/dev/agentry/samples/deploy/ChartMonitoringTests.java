package dev.agentry.samples.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentry.test.Tools;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's PrometheusRule and Grafana dashboard: rendered only when enabled, strictly
 * typed, the rules valid for promtool and unit-tested by it (every alert fires and clears), each
 * alert's runbook a README section, the dashboard's panels and variables in place.
 */
class ChartMonitoringTests {

	/** The CRD's pattern for a rule's {@code for} (monitoring.coreos.com_prometheusrules.yaml). */
	private static final Pattern CRD_DURATION = Pattern
		.compile("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$");

	@TempDir
	static Path dir;

	private static Helm helm() {
		return Helm.require(dir.resolve("helm-home"));
	}

	private static RenderedChart enabled(String... more) throws Exception {
		List<String> sets = new ArrayList<>(List.of("metrics.prometheusRule.enabled=true",
				"metrics.grafanaDashboard.enabled=true"));
		sets.addAll(List.of(more));
		return RenderedChart.parse(helm().template(List.of(), sets.toArray(String[]::new)).outIfSucceeded());
	}

	private static Path promtool() {
		return Tools.require("promtool", "Debian package prometheus", "/usr/bin/promtool");
	}

	@Test
	void neitherRuleNorDashboardByDefault() throws Exception {
		RenderedChart chart = RenderedChart.parse(helm().template(List.of()).outIfSucceeded());
		assertThat(chart.all(PrometheusRule.class)).isEmpty();
		assertThat(chart.all(ConfigMap.class)).isEmpty();
	}

	@Test
	void lintPassesStrictWithRuleAndDashboard() throws Exception {
		assertThat(helm().lint(List.of(), "metrics.prometheusRule.enabled=true", "metrics.grafanaDashboard.enabled=true")
			.outIfSucceeded()).contains("0 chart(s) failed");
	}

	/**
	 * Strictly typed by fabric8's PrometheusRule model (an unknown field fails), plus the CRD's
	 * own constraints that a model cannot carry.
	 */
	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void prometheusRuleFitsItsCustomResourceDefinition(ValuesSet values) throws Exception {
		RenderedChart chart = RenderedChart.parse(helm()
			.template(values.files(), "metrics.prometheusRule.enabled=true")
			.outIfSucceeded());
		PrometheusRule rule = chart.all(PrometheusRule.class).get(0);
		assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
		Set<String> groupNames = new HashSet<>();
		for (RuleGroup group : rule.getSpec().getGroups()) {
			assertThat(groupNames.add(group.getName())).as("unique group name %s", group.getName()).isTrue();
			assertThat(group.getRules()).isNotEmpty();
			for (Rule each : group.getRules()) {
				assertThat(each.getAlert() == null).as("alert xor record: %s", each).isNotEqualTo(each.getRecord() == null);
				assertThat(each.getExpr()).isNotNull();
				if (each.getFor() != null) {
					assertThat(each.getFor()).matches(CRD_DURATION);
				}
			}
		}
	}

	@Test
	void productionValuesGiveTheRuleTheOperatorsSelectorLabelAndRunbookUrl() throws Exception {
		RenderedChart chart = RenderedChart.parse(helm().template(ValuesSet.PRODUCTION.files()).outIfSucceeded());
		PrometheusRule rule = chart.all(PrometheusRule.class).get(0);
		assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
		assertThat(rule.getSpec().getGroups().get(0).getRules())
			.filteredOn((each) -> each.getAlert() != null)
			.first()
			.extracting((each) -> each.getAnnotations().get("runbook_url"))
			.asString()
			.startsWith("https://git.example.com/agentry/agentry/-/blob/main/README.md#agentry");
		// The model-worker's explicit 180 s grace period reaches the rule that compares with it.
		assertThat(rule.getSpec().getGroups().get(0).getRules())
			.filteredOn((each) -> "agentry:agent_grace_period_seconds".equals(each.getRecord()))
			.singleElement()
			.satisfies((each) -> assertThat(each.getExpr().getStrVal())
				.contains("vector(180), \"agent\", \"model-worker\"")
				.doesNotContain("observability-hub"));
	}

	@Test
	void promtoolChecksTheRenderedRules() throws Exception {
		Path promtool = promtool();
		Path rules = ChartMonitoring.writeRuleFile(dir, "check-rules.yml");
		Command.Result result = Command.run(List.of(promtool.toString(), "check", "rules", rules.toString()), dir,
				Map.of());
		assertThat(result.outIfSucceeded()).contains("SUCCESS");
	}

	@Test
	void promtoolUnitTestsFireAndClearEveryAlert() throws Exception {
		Path promtool = promtool();
		Path tests = dir.resolve("unit");
		Files.createDirectories(tests);
		Path rules = ChartMonitoring.writeRuleFile(tests, "rules.yml");
		Path testFile = tests.resolve("agentry-rules-test.yml");
		Files.copy(Path.of("src/test/resources/prometheus/agentry-rules-test.yml"), testFile);
		Command.Result result = Command.run(List.of(promtool.toString(), "test", "rules", testFile.toString()), tests,
				Map.of());
		assertThat(result.exit()).as("promtool test rules:\n%s%s", result.out(), result.err()).isZero();
		// Every alert of the chart has a unit test that fires it.
		String unitTests = Files.readString(testFile);
		for (JsonNode rule : ChartMonitoring.rules(rules)) {
			if (rule.has("alert")) {
				assertThat(unitTests).as("unit test firing %s", rule.get("alert").asText())
					.containsPattern("alertname: " + rule.get("alert").asText() + "\\s+exp_alerts:\\s+- exp_labels");
			}
		}
	}

	@Test
	void everyAlertHasSummaryDescriptionAndARunbookSectionInTheReadme() throws Exception {
		Path rules = ChartMonitoring.writeRuleFile(dir, "annotated-rules.yml");
		String readme = Files.readString(ChartMonitoring.README);
		List<String> alerts = new ArrayList<>();
		for (JsonNode rule : ChartMonitoring.rules(rules)) {
			if (!rule.has("alert")) {
				continue;
			}
			String alert = rule.get("alert").asText();
			alerts.add(alert);
			JsonNode annotations = rule.get("annotations");
			assertThat(annotations.path("summary").asText()).as(alert).isNotBlank();
			assertThat(annotations.path("description").asText()).as(alert).isNotBlank();
			assertThat(annotations.path("runbook_url").asText()).as(alert)
				.isEqualTo("README.md#" + alert.toLowerCase());
			// GitHub's anchor of a heading "#### AgentryForcedDrain" is #agentryforceddrain.
			assertThat(readme).as("README heading of %s", alert).containsPattern("(?m)^#{2,4} " + alert + "$");
		}
		assertThat(alerts).containsExactly("AgentryForcedDrain", "AgentryShutdownNearGracePeriod",
				"AgentryWorkerJoinTimeout", "AgentryLastShutdownNotGraceful", "AgentryUnavailable",
				"AgentryRepliesUndeliverable", "AgentryAuthDenied", "AgentryNotReady");
	}

	@Test
	void alertsCanBeSwitchedOffOneByOne() throws Exception {
		RenderedChart chart = enabled("metrics.prometheusRule.alerts.authDenied.enabled=false");
		assertThat(chart.all(PrometheusRule.class).get(0).getSpec().getGroups().get(0).getRules())
			.filteredOn((each) -> each.getAlert() != null)
			.extracting(Rule::getAlert)
			.hasSize(7)
			.doesNotContain("AgentryAuthDenied");
	}

	@Test
	void dashboardConfigMapCarriesTheSidecarsLabelAndTheDashboardFile() throws Exception {
		ConfigMap map = enabled().all(ConfigMap.class).get(0);
		assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
		assertThat(map.getData()).containsOnlyKeys("agentry-shutdowns.json");
		ObjectMapper json = new ObjectMapper();
		assertThat(json.readTree(map.getData().get("agentry-shutdowns.json")))
			.isEqualTo(json.readTree(Files.readString(ChartMonitoring.DASHBOARD)));
	}

	@Test
	void docsHoldTheSameDashboardAsTheChart() throws Exception {
		assertThat(Files.readString(ChartMonitoring.DOCS_DASHBOARD))
			.isEqualTo(Files.readString(ChartMonitoring.DASHBOARD));
	}

	@Test
	void everyPanelHasAQueryAndTheVariablesExist() throws Exception {
		JsonNode dashboard = new ObjectMapper().readTree(Files.readString(ChartMonitoring.DASHBOARD));
		assertThat(dashboard.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
		List<String> variables = new ArrayList<>();
		dashboard.get("templating").get("list").forEach((variable) -> variables.add(variable.get("name").asText()));
		assertThat(variables).contains("namespace", "agent", "instance");
		assertThat(dashboard.get("panels")).hasSize(6).allSatisfy((panel) -> {
			assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
			panel.get("targets").forEach((target) -> assertThat(target.get("expr").asText()).isNotBlank());
		});
		for (ChartMonitoring.Query query : ChartMonitoring.dashboardQueries()) {
			if (!query.expr().contains("kube_pod_status_ready")) {
				assertThat(query.expr()).as(query.panel()).contains("$namespace").contains("$agent");
			}
		}
	}

	@ParameterizedTest
	@EnumSource(ValuesSet.class)
	void requestTimerPublishesTheHistogramThatTheDashboardsPercentilesNeed(ValuesSet values) throws Exception {
		RenderedChart chart = RenderedChart.parse(helm().template(values.files()).outIfSucceeded());
		for (var deployment : chart.deployments()) {
			MetricsProperties metrics = new ContainerEnvironment(RenderedChart.container(deployment))
				.bind("management.metrics", MetricsProperties.class);
			assertThat(metrics.getDistribution().getPercentilesHistogram()).containsEntry("agent.request", true);
		}
	}

}
