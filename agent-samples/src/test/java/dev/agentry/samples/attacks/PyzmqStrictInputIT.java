package dev.agentry.samples.attacks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.FreePorts;
import dev.agentry.test.PythonScript;
import dev.agentry.test.Tools;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's strict-input attacks from a libzmq peer: pyzmq (Debian's python3-zmq) sends
 * overlong and surrogate UTF-8, a number no double holds and a repeated key to a model-worker
 * from the packaged jar, through {@code src/test/resources/pyzmq/strict_input.py}. Each must be
 * answered {@code bad_request}, and the worker must keep serving. Without pyzmq it skips, or
 * fails under {@code -Dagentry.require-tools=true}.
 */
class PyzmqStrictInputIT {

	@Test
	void malformedBodiesFromPyzmqAreBadRequests() throws Exception {
		Path python = Tools.requirePyzmq();
		Path script = Path.of(PyzmqStrictInputIT.class.getResource("/pyzmq/strict_input.py").toURI());
		Path dir = Files.createTempDirectory("agentry-pyzmq-strict");
		try (AgentProcess worker = AgentLauncher.jar(Path.of("target", "agent-samples.jar"), "model-worker")
			.name("pyzmq-strict-worker")
			.jvmOptions("-Xmx" + HostilePeersIT.HEAP, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
			.properties(Map.of("model-worker.interrupt-endpoint", "tcp://127.0.0.1:" + FreePorts.next(),
					"agent.shutdown.drain-timeout", "2s"))
			.directory(dir)
			.start()) {
			worker.awaitReady(Duration.ofSeconds(120));
			JsonNode result = run(python, script, worker.endpoint());
			SoftAssertions soft = new SoftAssertions();
			for (String name : List.of("overlong_id", "overlong_field", "surrogate", "huge_number_id",
					"huge_number_infer_id", "repeated_key")) {
				JsonNode reply = result.get(name);
				soft.assertThat(reply != null && !reply.isNull()).as("case '%s': a reply within 10 s", name).isTrue();
				if (reply != null && !reply.isNull()) {
					soft.assertThat(reply.path("error").asString(reply.path("status").asString("")))
						.as("case '%s' (its id: %s)", name, reply.path("id"))
						.isEqualTo("bad_request");
					soft.assertThat(reply.path("id").asString("")).as("case '%s': id", name)
						.isNotEqualTo("Infinity")
						.isNotEqualTo("/");
				}
			}
			JsonNode control = result.get("control");
			soft.assertThat(control.path("status").asString("")).as("a well-formed request from pyzmq").isEqualTo("ok");
			soft.assertAll();
			assertThat(worker.isAlive()).isTrue();
			assertThat(worker.call("{\"action\":\"health_check\"}").path("status").asString("")).isEqualTo("ok");
		}
	}

	private static JsonNode run(Path python, Path script, String endpoint) {
		// Six cases of at most 10 s each; the limit only guards against a hung interpreter.
		return PythonScript.run(python, script, Duration.ofSeconds(90), endpoint);
	}

}
