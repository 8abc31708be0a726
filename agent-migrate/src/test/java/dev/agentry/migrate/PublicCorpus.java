package dev.agentry.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Public JeroMQ code, unpacked by the build from sources jars on Maven Central (never kept in git;
 * see {@code src/test/resources/public-corpus/README.md}), and the hazards judged in it by hand.
 */
public final class PublicCorpus {

	/** Where the pom unpacks the sources jars (surefire passes it; the default is the same folder). */
	public static final Path ROOT = Path.of(System.getProperty("agentry.public-corpus", "target/public-corpus"));

	private static final Path EXPECTED = Path.of("src/test/resources/public-corpus/expected-findings.txt");

	private PublicCorpus() {
	}

	public static List<Path> files() {
		if (!Files.isDirectory(ROOT)) {
			throw new IllegalStateException(ROOT + " is missing: the build unpacks the public corpus there "
					+ "(maven-dependency-plugin, execution unpack-public-corpus)");
		}
		try (Stream<Path> files = Files.walk(ROOT)) {
			return files.filter((file) -> file.toString().endsWith(".java")).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** {@code folder/path/in/jar/File.java:line rule}, the expected file's form. */
	public static String key(Path file, int line, String rule) {
		return ROOT.relativize(file).toString().replace('\\', '/') + ":" + line + " " + rule;
	}

	/** The judged hazards, comments and blank lines left out. */
	public static Set<String> expectedFindings() {
		try {
			Set<String> expected = new TreeSet<>();
			for (String line : Files.readAllLines(EXPECTED)) {
				String entry = line.replaceFirst("#.*", "").strip().replaceAll("\\s+", " ");
				if (!entry.isEmpty()) {
					expected.add(entry);
				}
			}
			return expected;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
