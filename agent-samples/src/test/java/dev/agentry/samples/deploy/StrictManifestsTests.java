package dev.agentry.samples.deploy;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The strict parser that the chart's checks rely on must really refuse bad manifests. */
class StrictManifestsTests {

	private static final String DEPLOYMENT = """
			apiVersion: apps/v1
			kind: Deployment
			metadata:
			  name: web
			spec:
			  replicas: %s
			  selector:
			    matchLabels: {app: web}
			  template:
			    metadata:
			      labels: {app: web}
			    spec:
			      %s
			      containers:
			        - name: web
			          image: web:1
			""";

	private final StrictManifests manifests = new StrictManifests();

	@Test
	void parsesEveryDocumentIntoItsTypedModel() throws Exception {
		List<HasMetadata> parsed = this.manifests.parse("""
				---
				# Source: a comment-only document is skipped
				---
				%s
				---
				apiVersion: v1
				kind: Service
				metadata: {name: web}
				spec:
				  selector: {app: web}
				  ports: [{name: http, port: 80, targetPort: http}]
				---
				apiVersion: monitoring.coreos.com/v1
				kind: ServiceMonitor
				metadata: {name: web}
				spec:
				  selector: {matchLabels: {app: web}}
				  endpoints: [{port: http, path: /metrics}]
				""".formatted(DEPLOYMENT.formatted("2", "")));
		assertThat(parsed).hasExactlyElementsOfTypes(Deployment.class, Service.class, ServiceMonitor.class);
		assertThat(((Deployment) parsed.get(0)).getSpec().getReplicas()).isEqualTo(2);
	}

	@Test
	void refusesAnUnknownField() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.manifests.parse(DEPLOYMENT.formatted("2", "terminationGracePeriod: 30")))
			.withMessageContaining("terminationGracePeriod");
	}

	@Test
	void refusesAnUnknownFieldInAPrometheusRule() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manifests.parse("""
				apiVersion: monitoring.coreos.com/v1
				kind: PrometheusRule
				metadata: {name: r}
				spec:
				  groups:
				    - name: g
				      rules:
				        - alert: A
				          expr: up == 0
				          severity: warning
				""")).withMessageContaining("severity");
	}

	@Test
	void refusesAWrongType() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.manifests.parse(DEPLOYMENT.formatted("two", "")))
			.withMessageContaining("Deployment");
	}

	@Test
	void refusesAnUnknownKind() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manifests.parse("""
				apiVersion: example.com/v1
				kind: Widget
				metadata: {name: w}
				spec: {size: 1}
				""")).withMessageContaining("Unknown kind example.com/v1/Widget");
	}

	@Test
	void refusesAMisspelledKind() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.manifests.parse("""
				apiVersion: apps/v1
				kind: Deploymnet
				metadata: {name: w}
				""")).withMessageContaining("Unknown kind apps/v1/Deploymnet");
	}

}
