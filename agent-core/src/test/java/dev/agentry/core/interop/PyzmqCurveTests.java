package dev.agentry.core.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.agentry.core.test.RunningAgent;
import dev.agentry.core.trust.ZapHandler;
import dev.agentry.test.PythonScript;
import dev.agentry.test.TestCertificate;
import dev.agentry.test.Tools;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CURVE against libzmq (pyzmq, Debian's python3-zmq), through
 * {@code src/test/resources/pyzmq/curve_peer.py}: certificates that pyzmq's
 * {@code zmq.auth.create_certificates} writes are read by the agent, the agent's certificate
 * is read by pyzmq's {@code load_certificate}, an authorized key is served, an unknown key
 * gets no reply and is counted, and a plain-text peer is refused and counted. Without pyzmq it
 * skips, or fails under {@code -Dagentry.require-tools=true}.
 */
class PyzmqCurveTests {

	@TempDir
	Path dir;

	@Test
	void libzmqPeersAreServedOrRefusedByTheirKeys() {
		Path python = Tools.requirePyzmq();
		Path script = resource("/pyzmq/curve_peer.py");
		Path pyKeys = this.dir.resolve("py");
		JsonNode created = run(python, script, "create", pyKeys.toString());
		assertThat(created.path("has_curve").asBoolean()).as("python3-zmq is built with CURVE").isTrue();

		TestCertificate server = TestCertificate.write(this.dir.resolve("server"), "server", "test-agent");
		Path authorized = this.dir.resolve("authorized");
		try {
			Files.createDirectories(authorized);
			Files.copy(pyKeys.resolve("py-client.key"), authorized.resolve("py-client.key"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try (RunningAgent agent = RunningAgent.start(Map.of("agent.zmq.curve.certificate", server.secretFile().toString(),
				"agent.zmq.curve.authorized-keys", authorized.toString()))) {
			JsonNode result = run(python, script, "talk", agent.endpoint(), server.publicFile().toString(),
					pyKeys.toString());
			assertThat(result.path("authorized").path("status").asString()).as("%s", result).isEqualTo("ok");
			assertThat(result.path("authorized").path("id").asString()).isEqualTo("py-curve");
			assertThat(result.get("stranger").isNull()).as("a reply to an unknown key: %s", result).isTrue();
			assertThat(result.get("plain").isNull()).as("a reply in plain text: %s", result).isTrue();
			MeterRegistry meters = agent.bean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> count(meters, ZapHandler.UNKNOWN_KEY) >= 1 && count(meters, ZapHandler.NO_CURVE) >= 1);
		}
	}

	private static double count(MeterRegistry meters, String reason) {
		Counter counter = meters.find("agent.auth.denied").tags("socket", "main", "reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static JsonNode run(Path python, Path script, String... args) {
		// Each receive times out after 3 s; the limit only guards against a hung interpreter.
		return PythonScript.run(python, script, Duration.ofSeconds(90), args);
	}

	private static Path resource(String name) {
		try {
			return Path.of(PyzmqCurveTests.class.getResource(name).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
