package dev.agentry.samples.registry;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointAddressTests {

	@ParameterizedTest
	@ValueSource(strings = { "tcp://127.0.0.1:5510", "tcp://model-worker:5555", "tcp://x:1",
			"tcp://model-worker-0.model-worker.agentry.svc.cluster.local:65535", "tcp://[::1]:5555",
			"tcp://[fd00:10:244::1a]:5555", "tcp://[::ffff:10.0.0.1]:5555", "tcp://agentry_model-worker_1:5555" })
	void connectableTcpAddressesAreValid(String endpoint) {
		assertThat(EndpointAddress.isValid(endpoint)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "e", "tcp://x", "tcp://x:0", "tcp://x:65536", "tcp://x:123456", "tcp://*:5555",
			"ipc:///tmp/agent", "udp://x:1", "tcp://x:1/path", "tcp://a b:1", "tcp://-x:1", "tcp://x-:1",
			"tcp://a..b:1", "tcp://256.1.1.1:1", "tcp://1.2.3:1", "tcp://::1:5555", "tcp://[1::2::3]:5555",
			"tcp://[::1:5555", "tcp://[example.com]:5555", "tcp://x:1 ", " tcp://x:1", "TCP://x:1",
			"tcp://x:-1", "tcp://x:1\n" })
	void anythingElseIsNot(String endpoint) {
		assertThat(EndpointAddress.isValid(endpoint)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 63, 64 })
	void aLabelHasAtMost63Characters(int length) {
		assertThat(EndpointAddress.isValid("tcp://" + "a".repeat(length) + ".example:1")).isEqualTo(length <= 63);
	}

}
