package dev.agentry.migrate.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParserConfiguration.LanguageLevel;
import com.github.javaparser.ParserConfiguration;

/** Finding the Java sources under the given paths, and the one parser configuration both commands use. */
public final class Sources {

	private Sources() {
	}

	/** A parser for current Java; no symbol solver: the rules work on syntax alone. */
	public static JavaParser parser() {
		return new JavaParser(new ParserConfiguration().setLanguageLevel(LanguageLevel.JAVA_25));
	}

	/** The file as UTF-8 with malformed bytes replaced: enough for the rules, which read syntax. */
	public static String readLenient(Path file) throws IOException {
		return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
	}

	/** The file as UTF-8; empty when it is not valid UTF-8 (migrate then leaves it alone rather than re-encode it). */
	public static Optional<String> readStrict(Path file) throws IOException {
		try {
			return Optional.of(Files.readString(file));
		}
		catch (MalformedInputException ex) {
			return Optional.empty();
		}
	}
	/**
	 * Every {@code .java} file under the paths (files are taken as they are), sorted for stable
	 * reports. A root that is a symbolic link to a directory is followed (the walk itself does not
	 * follow links, so a link loop below cannot make it run for ever); files keep the path as
	 * given. An unreadable directory is an {@link UncheckedIOException}.
	 */
	public static List<Path> javaFiles(List<Path> paths) {
		List<Path> files = new ArrayList<>();
		for (Path path : paths) {
			if (Files.isDirectory(path)) {
				try {
					Path real = path.toRealPath();
					try (Stream<Path> walk = Files.walk(real)) {
						walk.filter((file) -> Files.isRegularFile(file) && file.toString().endsWith(".java"))
							.map((file) -> path.resolve(real.relativize(file).toString()))
							.sorted()
							.forEach(files::add);
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			else {
				files.add(path);
			}
		}
		return files;
	}

}
