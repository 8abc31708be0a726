package dev.agentry.samples.verify;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** verify-shutdown's command line. */
class VerifyOptionsTests {

	@Test
	void defaultsToEveryAgentAndScenario() {
		VerifyOptions options = VerifyOptions.parse(new String[0]);

		assertThat(options.agents()).containsExactly("service-registry", "model-worker", "request-coordinator",
				"streaming-interrupt-handler", "observability-hub");
		assertThat(options.scenarios()).containsExactly(Scenario.values());
		assertThat(options.exitLimit()).isNull();
		assertThat(options.report()).isNull();
	}

	@Test
	void picksAgentsScenariosLimitAndReport() {
		VerifyOptions options = VerifyOptions.parse(new String[] { "--agents=model-worker", "--scenarios=idle,sigint",
				"--exit-limit=15s", "--report=out/verify.json" });

		assertThat(options.agents()).containsExactly("model-worker");
		assertThat(options.scenarios()).containsExactly(Scenario.IDLE, Scenario.SIGINT);
		assertThat(options.exitLimit()).isEqualTo(Duration.ofSeconds(15));
		assertThat(options.report()).isEqualTo(Path.of("out/verify.json"));
	}

	@Test
	void refusesUnknownAgentsScenariosAndOptions() {
		assertThatIllegalArgumentException().isThrownBy(() -> VerifyOptions.parse(new String[] { "--agents=nope" }))
			.withMessageContaining("unknown agent 'nope'");
		assertThatIllegalArgumentException().isThrownBy(() -> VerifyOptions.parse(new String[] { "--scenarios=x" }))
			.withMessageContaining("unknown scenario 'x'");
		assertThatIllegalArgumentException().isThrownBy(() -> VerifyOptions.parse(new String[] { "--fast=yes" }))
			.withMessageContaining("unknown option");
		assertThat(VerifyShutdown.run(new String[] { "--agents=" })).isEqualTo(2);
	}

	@Test
	void helpDirAndUsage() {
		assertThat(VerifyOptions.parse(new String[] { "--help" }).help()).isTrue();
		assertThat(VerifyOptions.parse(new String[] { "--dir=logs" }).dir()).isEqualTo(Path.of("logs"));
		assertThatIllegalArgumentException().isThrownBy(() -> VerifyOptions.parse(new String[] { "stray" }))
			.withMessageContaining("unknown argument 'stray'");
		assertThat(VerifyOptions.usage()).contains("--agents", "--scenarios", "--exit-limit", "--report", "--dir",
				"model-worker", "drain-timeout");
		assertThat(VerifyShutdown.run(new String[] { "--help" })).isZero();
	}

	@Test
	void onlyAgentsWithASlowActionGetTheDrainTimeoutScenario() {
		assertThat(SampleTarget.ALL.get("model-worker").supports(Scenario.DRAIN_TIMEOUT)).isTrue();
		assertThat(SampleTarget.ALL.get("service-registry").supports(Scenario.DRAIN_TIMEOUT)).isFalse();
		assertThat(SampleTarget.ALL.get("service-registry").supports(Scenario.STARTUP)).isTrue();
	}

}
