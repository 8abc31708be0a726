package dev.agentry.migrate.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

	public static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

	/** Every {@code .java} file under the paths (files are taken as they are), sorted for stable reports. */
	public static List<Path> javaFiles(List<Path> paths) {
		List<Path> files = new ArrayList<>();
		for (Path path : paths) {
			if (Files.isDirectory(path)) {
				try (Stream<Path> walk = Files.walk(path)) {
					walk.filter((file) -> Files.isRegularFile(file) && file.toString().endsWith(".java"))
						.sorted()
						.forEach(files::add);
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot walk " + path, ex);
				}
			}
			else {
				files.add(path);
			}
		}
		return files;
	}

}
