package dev.agentry.core.client;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The endpoint sources' forms, and a DNS source on the machine's own resolver. */
class EndpointSourcesTests {

	@Test
	void aFixedListServesUnderOneKey() {
		EndpointSource source = EndpointSources.parse("tcp://127.0.0.1:1, tcp://127.0.0.1:2", "key", null,
				Duration.ofSeconds(1));
		assertThat(source.endpoints()).containsExactly("tcp://127.0.0.1:1", "tcp://127.0.0.1:2");
		assertThat(source.publicKey("tcp://127.0.0.1:2")).isEqualTo("key");
	}

	@Test
	void dnsListsEveryAddressOfTheName() {
		try (EndpointSource source = EndpointSources.parse("dns:///localhost:5555", "key", null,
				Duration.ofMillis(200))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> !source.endpoints().isEmpty());
			assertThat(source.endpoints()).allMatch((endpoint) -> endpoint.matches("tcp://(127\\.0\\.0\\.1|\\[[0-9a-f:]+]):5555"))
				.contains("tcp://127.0.0.1:5555");
			assertThat(source.publicKey(source.endpoints().get(0))).isEqualTo("key");
		}
	}

	@Test
	void aNameThatDoesNotResolveListsNothingAndSaysSo() {
		try (EndpointSource source = EndpointSources.dns("dns:///no-such-host.invalid:5555", null,
				Duration.ofMillis(100))) {
			((DnsEndpointSource) source).refresh();
			assertThat(source.endpoints()).isEmpty();
		}
	}

	@Test
	void badFormsAreRefusedWithTheFormsThatWork() {
		for (String bad : List.of("dns://8.8.8.8/host:1", "dns:///host", "dns:///host:0", "dns:///host:99999",
				"dns:///ho st:1", "registry:", "http://x:1", "")) {
			assertThatIllegalArgumentException().as(bad)
				.isThrownBy(() -> EndpointSources.parse(bad, null, null, Duration.ofSeconds(1)).close());
		}
		assertThatIllegalArgumentException().isThrownBy(() -> EndpointSources.parse("registry:model-worker", null, null,
				Duration.ofSeconds(1)))
			.withMessageContaining("agent.registry.endpoint");
	}

}
