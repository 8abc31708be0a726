package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;

/**
 * The repository's compose.yaml as compose reads it (YAML anchors and merge keys resolved),
 * with the look-ups the checks need. Variables such as ${AGENTRY_IMAGE:-...} stay as written.
 */
record ComposeFile(Map<String, Service> services) {

	@SuppressWarnings("unchecked")
	static ComposeFile read(Path file) throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(file));
		Map<String, Service> services = new LinkedHashMap<>();
		((Map<String, Map<String, Object>>) compose.get("services"))
			.forEach((name, service) -> services.put(name, new Service(name, service)));
		return new ComposeFile(services);
	}

	Service service(String name) {
		Service service = this.services.get(name);
		if (service == null) {
			throw new AssertionError("compose.yaml has no service " + name);
		}
		return service;
	}

	/** One service, as the map compose reads. */
	record Service(String name, Map<String, Object> definition) {

		Object get(String key) {
			return this.definition.get(key);
		}

		@SuppressWarnings("unchecked")
		List<String> list(String key) {
			Object value = this.definition.get(key);
			return (value != null) ? (List<String>) value : List.of();
		}

		@SuppressWarnings("unchecked")
		Map<String, Object> map(String key) {
			Object value = this.definition.get(key);
			return (value != null) ? (Map<String, Object>) value : Map.of();
		}

		/** The environment, every value as the string the container gets. */
		Map<String, String> environment() {
			Map<String, String> environment = new LinkedHashMap<>();
			map("environment").forEach((name, value) -> environment.put(name, String.valueOf(value)));
			return environment;
		}

		/** depends_on: each service this one waits for, with its condition. */
		Map<String, String> dependsOn() {
			Map<String, String> conditions = new LinkedHashMap<>();
			map("depends_on").forEach((service, options) -> conditions.put(service,
					String.valueOf(((Map<?, ?>) options).get("condition"))));
			return conditions;
		}

		Duration stopGracePeriod() {
			return DurationStyle.detectAndParse(String.valueOf(get("stop_grace_period")));
		}

		ContainerEnvironment containerEnvironment() {
			return new ContainerEnvironment(environment());
		}

	}

}
