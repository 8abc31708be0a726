package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentry.test.Tools;

/**
 * The podman binary (and podman-compose), run as the container tests need them. The
 * environment is passed on unchanged, so CONTAINERS_CONF picks the runtime settings (on
 * this project's CI machines scripts/podman/containers.conf, which scripts/container-test
 * and .ci/run select).
 */
final class Podman {

	/** The base image that the Dockerfile's BUILD_IMAGE and RUNTIME_IMAGE are built from. */
	static final String BASE_IMAGE = System.getProperty("agentry.container.base-image",
			"localhost/agentry-base/debian-jre:17");

	private static final String SETUP_HINT = "run scripts/podman-setup as root on Debian";

	private final Path podman;

	private final Path workDir;

	private Podman(Path podman, Path workDir) {
		this.podman = podman;
		this.workDir = workDir;
	}

	/**
	 * podman with the base image in its store, or the test skipped (failed under
	 * agentry.require-tools) saying what is missing. A podman that is there but cannot run
	 * fails the test: that is a broken machine, not a missing tool.
	 */
	static Podman require(Path workDir) throws IOException, InterruptedException {
		Podman podman = new Podman(Tools.require("podman", SETUP_HINT), workDir);
		podman.run("info", "--format", "{{.Host.OCIRuntime.Name}}").outIfSucceeded();
		if (podman.run("image", "exists", BASE_IMAGE).exit() != 0) {
			Tools.missing("the base image " + BASE_IMAGE + " is not in podman's store (" + SETUP_HINT
					+ ", or pass -Dagentry.container.base-image=<a JRE image with bash, groupadd and useradd>)");
		}
		return podman;
	}

	/** podman-compose, or the test skipped (failed under agentry.require-tools). */
	private static Path composeBinary() {
		return Tools.require("podman-compose", SETUP_HINT);
	}

	Command.Result run(String... args) throws IOException, InterruptedException {
		return run(Duration.ofSeconds(120), args);
	}

	Command.Result run(Duration timeout, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(this.podman.toString());
		command.addAll(List.of(args));
		return Command.run(command, workDir(), Map.of(), timeout);
	}

	/** A podman-compose command on the repository's compose.yaml with the variables given. */
	Command.Result compose(Duration timeout, Map<String, String> variables, String... args)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(composeBinary().toString());
		command.addAll(List.of("--file", Repository.COMPOSE.toString()));
		command.addAll(List.of(args));
		return Command.run(command, workDir(), variables, timeout);
	}

	/** {@code podman inspect --format} of a container, trimmed. */
	String inspect(String container, String format) throws IOException, InterruptedException {
		return run("inspect", "--format", format, container).outIfSucceeded().strip();
	}

	/** The container's state: running, exited, ... */
	String status(String container) throws IOException, InterruptedException {
		return inspect(container, "{{.State.Status}}");
	}

	/** The exit code of an exited container, as podman reports it. */
	String exitCode(String container) throws IOException, InterruptedException {
		return inspect(container, "{{.State.ExitCode}}");
	}

	String logs(String container) throws IOException, InterruptedException {
		Command.Result logs = run("logs", container);
		// The agent logs to stdout; podman logs replays the container's stderr on its own.
		return logs.out() + logs.err();
	}

	/** Removes a container whatever its state; for clean-up, so it never throws. */
	void removeQuietly(String container) {
		try {
			run("rm", "--force", "--time", "0", container);
		}
		catch (IOException | RuntimeException ex) {
			// Clean-up after a test: nothing more can be done here.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Path workDir() throws IOException {
		return Files.createDirectories(this.workDir);
	}

}
