package dev.agentry.samples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class AgentSamplesTests {

	@ParameterizedTest
	@ValueSource(strings = { "service-registry", "model-worker", "request-coordinator", "streaming-interrupt-handler",
			"observability-hub" })
	void agentStartedByHandBindsLoopbackOnly(String command) {
		assertThat(AgentSamples.defaults(command)).containsEntry("server.address", "127.0.0.1")
			.hasEntrySatisfying("agent.endpoint.bind", (bind) -> assertThat(bind).asString().startsWith("tcp://127.0.0.1:"))
			.hasEntrySatisfying("agent.health.bind", (bind) -> assertThat(bind).asString().startsWith("tcp://127.0.0.1:"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "streaming-interrupt-handler" })
	void interruptStreamStartedByHandBindsLoopbackOnly(String command) {
		assertThat(AgentSamples.defaults(command)).containsEntry("streaming-interrupt-handler.publish-bind",
				"tcp://127.0.0.1:5532");
	}

}
