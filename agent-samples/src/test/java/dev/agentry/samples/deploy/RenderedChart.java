package dev.agentry.samples.deploy;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** One rendering of the chart, every manifest parsed strictly, with the look-ups the checks need. */
record RenderedChart(List<HasMetadata> resources) {

	static final String COMPONENT = "app.kubernetes.io/component";

	static RenderedChart parse(String manifests) throws IOException {
		return new RenderedChart(new StrictManifests().parse(manifests));
	}

	<T extends HasMetadata> List<T> all(Class<T> type) {
		return this.resources.stream().filter(type::isInstance).map(type::cast).toList();
	}

	List<Deployment> deployments() {
		return all(Deployment.class);
	}

	/** The agent of a Deployment: its component label, which is also its container's first argument. */
	static String agent(Deployment deployment) {
		return deployment.getMetadata().getLabels().get(COMPONENT);
	}

	Deployment deployment(String agent) {
		return deployments().stream()
			.filter((deployment) -> agent.equals(agent(deployment)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No Deployment for " + agent));
	}

	/** The Service whose DNS name is {@code host}. */
	Service service(String host) {
		return all(Service.class).stream()
			.filter((service) -> service.getMetadata().getName().equals(host))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No Service named " + host));
	}

	/** The Services with a cluster IP, through which a peer reaches one of the agent's pods. */
	List<Service> clusterIpServices() {
		return all(Service.class).stream().filter((service) -> !headless(service)).toList();
	}

	/** The headless Services (discovery: kubernetes), whose DNS name answers with the ready pods. */
	List<Service> headlessServices() {
		return all(Service.class).stream().filter(RenderedChart::headless).toList();
	}

	static boolean headless(Service service) {
		return "None".equals(service.getSpec().getClusterIP());
	}

	/** Whether a label selector (matchLabels and matchExpressions) picks these labels. */
	static boolean selects(LabelSelector selector, Map<String, String> labels) {
		if (selector.getMatchLabels() != null && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
			return false;
		}
		for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
			String value = labels.get(requirement.getKey());
			boolean matches = switch (requirement.getOperator()) {
				case "In" -> value != null && requirement.getValues().contains(value);
				case "NotIn" -> value == null || !requirement.getValues().contains(value);
				case "Exists" -> value != null;
				case "DoesNotExist" -> value == null;
				default -> throw new AssertionError("Unknown selector operator " + requirement.getOperator());
			};
			if (!matches) {
				return false;
			}
		}
		return true;
	}

	/** The Deployments whose pods a label selector picks. */
	List<Deployment> selectedBy(Map<String, String> selector) {
		return deployments().stream()
			.filter((deployment) -> deployment.getSpec()
				.getTemplate()
				.getMetadata()
				.getLabels()
				.entrySet()
				.containsAll(selector.entrySet()))
			.toList();
	}

	static Container container(Deployment deployment) {
		List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
		if (containers.size() != 1) {
			throw new AssertionError("Expected one container in " + deployment.getMetadata().getName());
		}
		return containers.get(0);
	}

	static int containerPort(Container container, String name) {
		return container.getPorts()
			.stream()
			.filter((port) -> name.equals(port.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No port named " + name + " in " + container.getName()));
	}

}
