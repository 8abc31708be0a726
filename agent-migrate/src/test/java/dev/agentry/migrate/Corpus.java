package dev.agentry.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The legacy corpus in test resources and its golden files. */
public final class Corpus {

	/** Legacy agents as teams wrote them. */
	public static final Path SOURCES = Path.of("src/test/resources/corpus");

	/** What migrate must make of each corpus file it changes (files it leaves alone have none). */
	public static final Path MIGRATED = Path.of("src/test/resources/corpus-migrated");

	/** The expected audit: one line per class with score and level, one indented line per finding. */
	public static final Path EXPECTED_FINDINGS = Path.of("src/test/resources/corpus-expected-findings.txt");

	private Corpus() {
	}

	public static List<Path> files() {
		try (Stream<Path> files = Files.list(SOURCES)) {
			return files.filter((file) -> file.toString().endsWith(".java")).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A copy of the corpus in {@code directory}, for the commands that write. */
	public static Path copyTo(Path directory) {
		try {
			for (Path file : files()) {
				Files.copy(file, directory.resolve(file.getFileName()));
			}
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
