package dev.agentry.core.registry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryConfigurationTests {

	@Test
	void advertisedEndpointBracketsAnIpv6HostAsTheRegistryRequires() {
		assertThat(RegistryConfiguration.advertised("10.0.0.7", false, "tcp://0.0.0.0:5555")).isEqualTo("tcp://10.0.0.7:5555");
		assertThat(RegistryConfiguration.advertised("fd00::7", false, "tcp://[::]:5555")).isEqualTo("tcp://[fd00::7]:5555");
		assertThat(RegistryConfiguration.advertised("[fd00::7]", true, "tcp://0.0.0.0:5555"))
			.isEqualTo("tcp://[fd00::7]:5555");
		assertThat(RegistryConfiguration.advertised("model-worker", false, null)).isNull();
	}

	@Test
	void endpointBoundToLoopbackIsAdvertisedAsBoundUnlessAHostIsGiven() {
		assertThat(RegistryConfiguration.advertised("10.0.0.7", false, "tcp://127.0.0.1:5510"))
			.isEqualTo("tcp://127.0.0.1:5510");
		assertThat(RegistryConfiguration.advertised("10.0.0.7", false, "tcp://[::1]:5510")).isEqualTo("tcp://[::1]:5510");
		assertThat(RegistryConfiguration.advertised("10.0.0.7", true, "tcp://127.0.0.1:5510"))
			.isEqualTo("tcp://10.0.0.7:5510");
	}

}
