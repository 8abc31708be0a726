package dev.agentry.samples.deploy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Parses Kubernetes manifests into fabric8's typed model and refuses what a cluster would
 * refuse or silently ignore: an unknown field, a wrong type, an unknown kind.
 * <p>
 * fabric8's model classes keep unknown fields in an {@code additionalProperties} map (a
 * Jackson any-setter), so an unknown field would pass unnoticed; switching the any-setters
 * off makes Jackson fail on it as on any unknown property. An unknown kind becomes a
 * {@link GenericKubernetesResource}, which is refused here.
 */
final class StrictManifests {

	private final YAMLMapper yaml = new YAMLMapper();

	private final ObjectMapper json = new ObjectMapper();

	private final KubernetesSerialization serialization;

	StrictManifests() {
		ObjectMapper strict = new ObjectMapper();
		strict.setAnnotationIntrospector(new JacksonAnnotationIntrospector() {

			@Override
			public Boolean hasAnySetter(Annotated annotated) {
				return Boolean.FALSE;
			}

		});
		this.serialization = new KubernetesSerialization(strict, true);
		// After fabric8 configured the mapper, which turns this off.
		strict.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
	}

	/** Every document of a multi-document YAML stream (empty ones skipped), each typed. */
	List<HasMetadata> parse(String manifests) throws IOException {
		List<HasMetadata> resources = new ArrayList<>();
		try (MappingIterator<JsonNode> documents = this.yaml.readerFor(JsonNode.class).readValues(manifests)) {
			while (documents.hasNext()) {
				JsonNode document = documents.next();
				if (document == null || document.isNull() || document.isMissingNode()) {
					continue;
				}
				resources.add(parse(document));
			}
		}
		return resources;
	}

	private HasMetadata parse(JsonNode document) throws IOException {
		String text = this.json.writeValueAsString(document);
		String apiVersion = document.path("apiVersion").asText();
		String kind = document.path("kind").asText();
		if (this.serialization.getRegisteredKubernetesResource(apiVersion, kind) == null) {
			throw new IllegalArgumentException("Unknown kind " + apiVersion + "/" + kind + ":\n" + text);
		}
		KubernetesResource resource;
		try {
			resource = this.serialization.unmarshal(text, KubernetesResource.class);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Not a valid " + kind + ": " + rootMessage(ex) + "\n" + text, ex);
		}
		if (resource instanceof GenericKubernetesResource) {
			throw new IllegalArgumentException("Unknown kind " + apiVersion + "/" + kind + ":\n" + text);
		}
		if (!(resource instanceof HasMetadata hasMetadata)) {
			throw new IllegalArgumentException("Not a Kubernetes object:\n" + text);
		}
		return hasMetadata;
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.getMessage();
	}

}
