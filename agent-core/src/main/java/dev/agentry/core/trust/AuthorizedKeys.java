package dev.agentry.core.trust;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The public certificates ({@code *.key}) of the peers allowed to connect, read from a
 * directory and read again when it changes, so that a key can be added or removed without a
 * restart. A change is noticed by the files' names, sizes, modification times and real paths,
 * which also catches a Kubernetes ConfigMap or Secret volume, whose update swaps a symbolic
 * link to a new folder. The directory is looked at again at most every {@code recheck}, on
 * the thread that asks. Thread-safe: the ZAP handler asks on its thread, the application (a
 * registry checking what a key grants) on its own.
 */
public final class AuthorizedKeys {

	private static final Log logger = LogFactory.getLog(AuthorizedKeys.class);

	/** More files than any fleet has keys: a directory that holds more is not a key store. */
	static final int MAX_FILES = 10_000;

	private final Path directory;

	private final Duration recheck;

	private long checkedAt;

	private boolean checkedOnce;

	private List<String> fingerprint = List.of();

	private Map<String, Set<String>> services = Map.of();

	/** Files already reported as unreadable, by fingerprint: one WARN each, not one per check. */
	private final Set<String> reportedBad = new HashSet<>();

	public AuthorizedKeys(Path directory, Duration recheck) {
		this.directory = directory;
		this.recheck = recheck;
	}

	/** Reads the directory now; fails when it is not a readable directory (start-up). */
	public synchronized AuthorizedKeys loadOrFail() {
		if (!Files.isDirectory(this.directory)) {
			throw new IllegalArgumentException("agent.zmq.curve.authorized-keys (" + this.directory
					+ ") is not a directory: it must hold the public certificates (*.key) of the peers allowed to connect");
		}
		refresh(true);
		return this;
	}

	/** The services the key's certificate grants, or empty when the key is not authorized. */
	public synchronized Optional<Set<String>> lookup(String publicKey) {
		refresh(false);
		return Optional.ofNullable(this.services.get(publicKey));
	}

	/** How many keys are authorized now. */
	public synchronized int size() {
		refresh(false);
		return this.services.size();
	}

	private void refresh(boolean now) {
		long time = System.nanoTime();
		if (!now && this.checkedOnce && time - this.checkedAt < this.recheck.toNanos()) {
			return;
		}
		this.checkedAt = time;
		this.checkedOnce = true;
		List<Path> files = keyFiles();
		List<String> current = fingerprint(files);
		if (current.equals(this.fingerprint) && !now) {
			return;
		}
		Map<String, Set<String>> loaded = new HashMap<>();
		for (Path file : files) {
			try {
				CurveCertificate certificate = CurveCertificate.load(file);
				loaded.computeIfAbsent(certificate.publicKey(), (key) -> new HashSet<>()).addAll(certificate.services());
			}
			catch (RuntimeException ex) {
				if (this.reportedBad.add(file + "@" + stamp(file))) {
					logger.warn("Ignoring " + file + " in agent.zmq.curve.authorized-keys: " + ex.getMessage());
				}
			}
		}
		Map<String, Set<String>> previous = this.services;
		this.services = Map.copyOf(loaded);
		this.fingerprint = current;
		if (now || !previous.keySet().equals(this.services.keySet())) {
			logger.info("Authorized CURVE keys read from " + this.directory + ": " + this.services.size() + " key(s)");
		}
	}

	private List<Path> keyFiles() {
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.directory, "*.key")) {
			for (Path file : stream) {
				if (files.size() >= MAX_FILES) {
					logger.warn("agent.zmq.curve.authorized-keys (" + this.directory + ") holds more than " + MAX_FILES
							+ " *.key files; only the first " + MAX_FILES + " are read");
					break;
				}
				// A symbolic link is followed (ConfigMap and Secret volumes are made of them).
				if (Files.isRegularFile(file)) {
					files.add(file);
				}
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot read agent.zmq.curve.authorized-keys (" + this.directory + "): " + ex
					+ "; every peer is refused until it can be read");
		}
		return files;
	}

	private static List<String> fingerprint(List<Path> files) {
		TreeMap<String, String> stamps = new TreeMap<>();
		for (Path file : files) {
			stamps.put(file.toString(), stamp(file));
		}
		List<String> fingerprint = new ArrayList<>();
		stamps.forEach((name, stamp) -> fingerprint.add(name + "@" + stamp));
		return fingerprint;
	}

	private static String stamp(Path file) {
		try {
			return file.toRealPath() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
		}
		catch (IOException ex) {
			return "unreadable";
		}
	}

}
