package dev.agentry.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a test's Python peer script (pyzmq) and reads the JSON object it prints last. The
 * scripts bound each of their receives themselves; the time limit here only guards against a
 * hung interpreter, and a script that fails or hangs fails the test with its stderr.
 */
public final class PythonScript {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private PythonScript() {
	}

	public static JsonNode run(Path python, Path script, Duration limit, String... args) {
		List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
		builder.environment().put("PYTHONIOENCODING", "utf-8");
		String name = script.getFileName() + " " + String.join(" ", args);
		try {
			Process process = builder.start();
			process.getOutputStream().close();
			CompletableFuture<String> stdout = readAsync(process.getInputStream());
			CompletableFuture<String> stderr = readAsync(process.getErrorStream());
			if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new AssertionError(name + " did not end within " + limit + "; stderr:\n" + stderr.getNow(""));
			}
			String out = stdout.get(10, TimeUnit.SECONDS);
			String err = stderr.get(10, TimeUnit.SECONDS);
			if (process.exitValue() != 0) {
				throw new AssertionError(name + " exited with " + process.exitValue() + "; stdout:\n" + out
						+ "\nstderr:\n" + err);
			}
			String[] lines = out.strip().split("\n");
			return mapper.readTree(lines[lines.length - 1]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(name + " was interrupted", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(name + ": its output could not be read", ex);
		}
	}

	private static CompletableFuture<String> readAsync(InputStream stream) {
		return CompletableFuture.supplyAsync(() -> {
			try (stream) {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				return "(unreadable: " + ex + ")";
			}
		});
	}

}
