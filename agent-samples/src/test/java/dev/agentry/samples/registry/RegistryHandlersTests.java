package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.core.wire.AgentJson;
import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;
import dev.agentry.core.trust.CurveTrust;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RegistryHandlersTests {

	/** The identity of a peer without CURVE that set no routing id: as every caller was before ownership. */
	private static final String ANONYMOUS = null;

	private final AgentJson json = new AgentJson(JsonMapper.builder().build());

	private final ObjectMapper mapper = this.json.mapper();

	private final RegistryStore store = new RegistryStore();

	private final RegistryHandlers handlers = new RegistryHandlers(this.store, this.json, DataSize.ofMegabytes(1),
			CurveTrust.off());

	@Test
	void entryUpTo4KbIsRegisteredAndOneOverItIsABadRequest() {
		// The serialized entry without the instance name, to size the name to the limit exactly.
		int rest = size(register("i", 30.0)) - 1;
		String fits = "i".repeat(RegistryHandlers.MAX_ENTRY_BYTES - rest);
		assertThat(size(register(fits, 30.0))).isEqualTo(RegistryHandlers.MAX_ENTRY_BYTES);
		assertThat(this.handlers.register(register(fits, 30.0), ANONYMOUS)).containsEntry("registered", true);
		assertThatExceptionOfType(AgentException.class)
			.isThrownBy(() -> this.handlers.register(register(fits + "i", 30.0), ANONYMOUS))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(AgentError.BAD_REQUEST))
			.withMessageContaining("4097 bytes, over the registry's limit of 4096");
		assertThat(this.store.lookup("s")).hasSize(1);
	}

	@Test
	void endpointsThatAreNotTcpHostPortAreBadRequests() {
		assertThatExceptionOfType(AgentException.class)
			.isThrownBy(() -> this.handlers.register(new RegistryHandlers.Register("s", "i", "tcp://*:5555", null, null),
					ANONYMOUS))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(AgentError.BAD_REQUEST))
			.withMessageContaining("'endpoint' must be tcp://host:port");
		assertThatExceptionOfType(AgentException.class)
			.isThrownBy(() -> this.handlers
				.register(new RegistryHandlers.Register("s", "i", "tcp://10.0.0.1:5555", "tcp://10.0.0.1:0", null),
						ANONYMOUS))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(AgentError.BAD_REQUEST))
			.withMessageContaining("'health_endpoint' must be tcp://host:port");
		assertThat(this.store.lookup(null)).isEmpty();
		assertThat(this.handlers.register(new RegistryHandlers.Register("s", "i", "tcp://[::1]:5555", null, null), ANONYMOUS))
			.containsEntry("registered", true);
	}

	@Test
	void serviceFullOfInstancesRefusesANewOneButTakesAReRegistration() {
		for (int i = 0; i < RegistryStore.MAX_INSTANCES_PER_SERVICE; i++) {
			this.handlers.register(register("i-" + i, 30.0), ANONYMOUS);
		}
		assertThatExceptionOfType(AgentException.class)
			.isThrownBy(() -> this.handlers.register(register("one-more", 30.0), ANONYMOUS))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(AgentError.UNAVAILABLE))
			.withMessageContaining("service 's' has its limit of 256 instances");
		assertThat(this.handlers.register(register("i-0", 30.0), ANONYMOUS)).containsEntry("registered", true);
		assertThat(this.handlers.register(new RegistryHandlers.Register("other", "i", "tcp://x:1", null, null), ANONYMOUS))
			.containsEntry("registered", true);
	}

	@Test
	void registryFullOfServicesOrInstancesRefusesNewOnes() {
		for (int i = 0; i < RegistryStore.MAX_SERVICES; i++) {
			this.store.register("s-" + i, "i", "tcp://x:1", null, Duration.ofMinutes(1));
		}
		assertThatExceptionOfType(AgentException.class)
			.isThrownBy(() -> this.handlers.register(new RegistryHandlers.Register("new", "i", "tcp://x:1", null, null),
					ANONYMOUS))
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(AgentError.UNAVAILABLE))
			.withMessageContaining("limit of 1024 services");
		for (int i = 0; i < RegistryStore.MAX_INSTANCES - RegistryStore.MAX_SERVICES; i++) {
			this.store.register("s-" + (i % RegistryStore.MAX_SERVICES), "more-" + i, "tcp://x:1", null,
					Duration.ofMinutes(1));
		}
		assertThatExceptionOfType(AgentException.class)
			.isThrownBy(() -> this.handlers.register(new RegistryHandlers.Register("s-1", "last", "tcp://x:1", null, null),
					ANONYMOUS))
			.withMessageContaining("limit of 4096 instances");
	}

	@Test
	void lookupStaysWithinTheMaxMessageSizeAndSaysWhenItLeftInstancesOut() {
		RegistryHandlers small = new RegistryHandlers(this.store, this.json, DataSize.ofKilobytes(64),
				CurveTrust.off());
		String padding = "p".repeat(3000);
		for (int i = 0; i < 40; i++) {
			small.register(register(padding + i, 30.0), ANONYMOUS);
		}
		Map<String, Object> reply = small.lookup(new RegistryHandlers.Lookup("s"));
		assertThat(reply).containsEntry("truncated", true);
		assertThat((List<?>) reply.get("instances")).hasSizeBetween(1, 39);
		// The whole reply as the endpoint sends it, with the longest id allowed echoed.
		Map<String, Object> sent = new LinkedHashMap<>(reply);
		sent.put("status", "ok");
		sent.put("id", "\u0001".repeat(256));
		assertThat(this.mapper.writeValueAsBytes(sent).length).isLessThanOrEqualTo(64 * 1024);

		Map<String, Object> few = this.handlers.lookup(new RegistryHandlers.Lookup("s"));
		assertThat(few).containsEntry("truncated", false);
		assertThat((List<?>) few.get("instances")).hasSize(40);
	}

	private RegistryHandlers.Register register(String instance, Double ttl) {
		return new RegistryHandlers.Register("s", instance, "tcp://127.0.0.1:5510", "tcp://127.0.0.1:5511", ttl);
	}

	/** The size of the entry that a registration makes, as lookup shows it. */
	private int size(RegistryHandlers.Register register) {
		Map<String, Object> shown = new LinkedHashMap<>();
		shown.put("service", register.service());
		shown.put("instance", register.instance());
		shown.put("endpoint", register.endpoint());
		shown.put("health_endpoint", register.healthEndpoint());
		shown.put("ttl_seconds", register.ttlSeconds());
		shown.put("age_seconds", 0.0);
		return this.mapper.writeValueAsBytes(shown).length;
	}

}
