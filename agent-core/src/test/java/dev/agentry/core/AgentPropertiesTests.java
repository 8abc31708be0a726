package dev.agentry.core;


import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class AgentPropertiesTests {

	/** Every property of DESIGN.md's table. */
	private static final List<String> DESIGN_PROPERTIES = List.of("agent.name", "agent.endpoint.bind",
			"agent.endpoint.threads", "agent.endpoint.max-inflight", "agent.endpoint.max-inflight-bytes",
			"agent.health.bind", "agent.zmq.linger",
			"agent.zmq.max-message-size", "agent.shutdown.delay", "agent.shutdown.drain-timeout",
			"agent.shutdown.worker-join-timeout", "agent.shutdown.grace-period", "agent.shutdown.report-file",
			"agent.registry.endpoint", "agent.registry.ttl", "agent.registry.heartbeat-interval",
			"agent.advertise-host");

	@Test
	void bindingNothingGivesTheDefaultsOfTheDesign() {
		AgentProperties properties = bind(Map.of());
		assertDesignDefaults(properties);
		assertThat(properties.name()).isNull();
		assertThat(properties.advertiseHost()).isNull();
		assertThat(properties.endpoints()).isEmpty();
		assertThat(properties.shutdown().reportFile()).isNull();
		assertThat(properties.registry().endpoint()).isNull();
	}

	@Test
	void bindingOneUnrelatedPropertyKeepsEveryOtherDefault() {
		AgentProperties properties = bind(Map.of("agent.name", "model-worker"));
		assertThat(properties.name()).isEqualTo("model-worker");
		assertDesignDefaults(properties);
	}

	@Test
	void bindingEveryPropertyOfTheDesignOverridesItsDefault() {
		Map<String, String> source = new LinkedHashMap<>();
		source.put("agent.name", "coordinator");
		source.put("agent.advertise-host", "10.0.0.7");
		source.put("agent.endpoint.bind", "tcp://*:6000");
		source.put("agent.endpoint.threads", "2");
		source.put("agent.endpoint.max-inflight", "50");
		source.put("agent.endpoint.max-inflight-bytes", "8MB");
		source.put("agent.health.bind", "none");
		source.put("agent.zmq.linger", "250ms");
		source.put("agent.zmq.max-message-size", "64KB");
		source.put("agent.shutdown.delay", "5s");
		source.put("agent.shutdown.drain-timeout", "15s");
		source.put("agent.shutdown.worker-join-timeout", "2s");
		source.put("agent.shutdown.grace-period", "45s");
		source.put("agent.shutdown.report-file", "/tmp/report.json");
		source.put("agent.registry.endpoint", "tcp://registry:5500");
		source.put("agent.registry.ttl", "20s");
		source.put("agent.registry.heartbeat-interval", "1s");
		AgentProperties properties = bind(source);
		assertThat(properties.name()).isEqualTo("coordinator");
		assertThat(properties.advertiseHost()).isEqualTo("10.0.0.7");
		assertThat(properties.endpoint().bind()).isEqualTo("tcp://*:6000");
		assertThat(properties.endpoint().threads()).isEqualTo(2);
		assertThat(properties.endpoint().maxInflight()).isEqualTo(50);
		assertThat(properties.endpoint().maxInflightBytes()).isEqualTo(DataSize.ofMegabytes(8));
		assertThat(properties.health().bind()).isEqualTo("none");
		assertThat(properties.health().enabled()).isFalse();
		assertThat(properties.zmq().linger()).isEqualTo(Duration.ofMillis(250));
		assertThat(properties.zmq().maxMessageSize()).isEqualTo(DataSize.ofKilobytes(64));
		assertThat(properties.shutdown().delay()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.shutdown().drainTimeout()).isEqualTo(Duration.ofSeconds(15));
		assertThat(properties.shutdown().workerJoinTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(properties.shutdown().gracePeriod()).isEqualTo(Duration.ofSeconds(45));
		assertThat(properties.shutdown().reportFile()).isEqualTo("/tmp/report.json");
		assertThat(properties.registry().endpoint()).isEqualTo("tcp://registry:5500");
		assertThat(properties.registry().ttl()).isEqualTo(Duration.ofSeconds(20));
		assertThat(properties.registry().heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void endpointBindNoneDisablesTheEndpointInAnyCase() {
		assertThat(bind(Map.of("agent.endpoint.bind", "none")).endpoint().enabled()).isFalse();
		assertThat(bind(Map.of("agent.endpoint.bind", " NONE ")).endpoint().enabled()).isFalse();
		assertThat(bind(Map.of()).endpoint().enabled()).isTrue();
	}

	@Test
	void furtherEndpointsBindByNameWithTheEndpointDefaults() {
		AgentProperties properties = bind(Map.of("agent.endpoints.admin.bind", "tcp://127.0.0.1:7000"));
		assertThat(properties.endpoints()).containsOnlyKeys("admin");
		AgentProperties.Endpoint admin = properties.endpoints().get("admin");
		assertThat(admin.bind()).isEqualTo("tcp://127.0.0.1:7000");
		assertThat(admin.threads()).isEqualTo(8);
		assertThat(admin.maxInflight()).isEqualTo(1000);
		assertThat(admin.maxInflightBytes()).isEqualTo(DataSize.ofMegabytes(64));
	}

	@Test
	void generatedMetadataListsEveryPropertyOfTheDesignWithADescription() throws IOException {
		Map<String, JsonNode> metadata = agentMetadataProperties();
		assertThat(metadata).containsKeys(DESIGN_PROPERTIES.toArray(String[]::new));
		for (String name : DESIGN_PROPERTIES) {
			assertThat(metadata.get(name).path("description").asString(""))
				.as("description of %s in the configuration metadata", name)
				.isNotBlank();
		}
	}

	@Test
	void generatedMetadataStatesTheDefaultsOfTheDesign() throws IOException {
		Map<String, JsonNode> metadata = agentMetadataProperties();
		Map<String, String> defaults = new LinkedHashMap<>();
		metadata.forEach((name, property) -> {
			if (property.has("defaultValue")) {
				defaults.put(name, property.get("defaultValue").asString());
			}
		});
		assertThat(defaults).contains(entry("agent.endpoint.bind", "tcp://*:5555"),
				entry("agent.endpoint.threads", "8"), entry("agent.endpoint.max-inflight", "1000"),
				entry("agent.endpoint.max-inflight-bytes", "64MB"),
				entry("agent.health.bind", "tcp://*:5556"), entry("agent.zmq.linger", "1s"),
				entry("agent.zmq.max-message-size", "1MB"), entry("agent.shutdown.delay", "0s"),
				entry("agent.shutdown.drain-timeout", "10s"), entry("agent.shutdown.worker-join-timeout", "10s"),
				entry("agent.shutdown.grace-period", "30s"), entry("agent.registry.ttl", "10s"),
				entry("agent.registry.heartbeat-interval", "3s"));
	}

	private static void assertDesignDefaults(AgentProperties properties) {
		assertThat(properties.endpoint().bind()).isEqualTo("tcp://*:5555");
		assertThat(properties.endpoint().threads()).isEqualTo(8);
		assertThat(properties.endpoint().maxInflight()).isEqualTo(1000);
		assertThat(properties.endpoint().maxInflightBytes()).isEqualTo(DataSize.ofMegabytes(64));
		assertThat(properties.health().bind()).isEqualTo("tcp://*:5556");
		assertThat(properties.zmq().linger()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.zmq().maxMessageSize()).isEqualTo(DataSize.ofMegabytes(1));
		assertThat(properties.shutdown().delay()).isEqualTo(Duration.ZERO);
		assertThat(properties.shutdown().drainTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.shutdown().workerJoinTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.shutdown().gracePeriod()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.registry().ttl()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.registry().heartbeatInterval()).isEqualTo(Duration.ofSeconds(3));
	}

	private static AgentProperties bind(Map<String, String> source) {
		Binder binder = new Binder(new MapConfigurationPropertySource(source));
		return binder.bindOrCreate("agent", AgentProperties.class);
	}

	/** The properties that agent-core's own metadata file declares, by name. */
	private static Map<String, JsonNode> agentMetadataProperties() throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		List<URL> files = Collections.list(AgentPropertiesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		List<URL> ours = new ArrayList<>();
		for (URL file : files) {
			JsonNode metadata;
			try (InputStream in = file.openStream()) {
				metadata = mapper.readTree(in);
			}
			boolean declaresAgentProperties = false;
			for (JsonNode property : metadata.path("properties")) {
				if (property.path("sourceType").asString("").startsWith(AgentProperties.class.getName())) {
					properties.put(property.path("name").asString(), property);
					declaresAgentProperties = true;
				}
			}
			if (declaresAgentProperties) {
				ours.add(file);
			}
		}
		assertThat(ours).as("metadata files that declare AgentProperties among %s", files).hasSize(1);
		return properties;
	}

}
