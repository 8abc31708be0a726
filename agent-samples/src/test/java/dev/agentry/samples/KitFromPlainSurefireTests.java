package dev.agentry.samples;

import java.nio.file.Path;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.ShutdownCheck;
import dev.agentry.test.ShutdownResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.agentry.test.AgentAssertions.assertThat;

/**
 * The README's "Prove your agent stops cleanly" example as a user's build runs it: a plain
 * unit test under Surefire's default configuration, the agent started from its main class on
 * the test class path, one test-scope dependency on agent-test.
 */
class KitFromPlainSurefireTests {

	@TempDir
	Path dir;

	@Test
	void registryStartedFromItsMainClassStopsCleanlyUnderLoad() {
		ShutdownResult result = ShutdownCheck
			.of(AgentLauncher.mainClass(AgentSamples.class, "service-registry")
				.directory(this.dir)
				.property("agent.shutdown.drain-timeout", "5s"))
			.load("{\"action\":\"lookup\",\"service\":\"model-worker\"}")
			.run();

		assertThat(result).isClean().answeredEveryRequest().releasedPorts();
	}

}
