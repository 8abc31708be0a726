package dev.agentry.core.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.agentry.core.test.RunningAgent;
import dev.agentry.core.trust.ZapHandler;
import dev.agentry.test.TestCertificate;
import dev.agentry.test.Tools;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
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

	private static final JsonMapper mapper = JsonMapper.builder().build();

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
		List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
		try {
			Process process = builder.start();
			process.getOutputStream().close();
			CompletableFuture<String> stdout = readAsync(process.getInputStream());
			CompletableFuture<String> stderr = readAsync(process.getErrorStream());
			// Each receive times out after 3 s; this only guards against a hung interpreter.
			if (!process.waitFor(90, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				fail("curve_peer.py %s did not end; stderr:%n%s", args[0], stderr.getNow(""));
			}
			String out = stdout.get(10, TimeUnit.SECONDS);
			assertThat(process.exitValue()).as("curve_peer.py %s; stdout:%n%s%nstderr:%n%s", args[0], out,
					stderr.get(10, TimeUnit.SECONDS))
				.isZero();
			String[] lines = out.strip().split("\n");
			return mapper.readTree(lines[lines.length - 1]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("curve_peer.py " + args[0] + " failed", ex);
		}
	}

	private static CompletableFuture<String> readAsync(InputStream stream) {
		return CompletableFuture.supplyAsync(() -> {
			try (stream) {
				ByteArrayOutputStream bytes = new ByteArrayOutputStream();
				stream.transferTo(bytes);
				return bytes.toString(StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
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
