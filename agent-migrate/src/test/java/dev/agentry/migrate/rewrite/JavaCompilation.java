package dev.agentry.migrate.rewrite;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles one source with the JDK's compiler, as Java 17, against what legacy agents use:
 * JeroMQ, jakarta.annotation (for the added {@code @PreDestroy}) and Spring's lifecycle types.
 */
final class JavaCompilation {

	private final Path output;

	private final String classpath;

	private String diagnostics = "";

	JavaCompilation(Path output) {
		this(output, classpath());
	}

	private JavaCompilation(Path output, String classpath) {
		this.output = output;
		this.classpath = classpath;
	}

	/**
	 * Compiles against the whole test classpath: the project's JeroMQ plus the public corpus's own
	 * dependencies (its artifacts' other classes, gson, Spring Integration, Reactor).
	 */
	static JavaCompilation onTestClasspath(Path output) {
		// surefire's real classpath (java.class.path may be only its manifest-only booter jar)
		return new JavaCompilation(output,
				System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
	}

	boolean compiles(String className, String source) {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		JavaFileObject file = new SimpleJavaFileObject(java.net.URI.create("string:///" + className + ".java"),
				JavaFileObject.Kind.SOURCE) {
			@Override
			public CharSequence getCharContent(boolean ignoreEncodingErrors) {
				return source;
			}
		};
		StringWriter messages = new StringWriter();
		List<String> options = List.of("--release", "17", "-proc:none", "-nowarn", "-d", this.output.toString(),
				"-classpath", this.classpath);
		boolean ok = compiler.getTask(messages, null, null, options, null, List.of(file)).call();
		this.diagnostics = messages.toString();
		return ok;
	}

	String diagnostics() {
		return this.diagnostics;
	}

	private static String classpath() {
		return Stream.of(org.zeromq.ZMQ.class, jakarta.annotation.PreDestroy.class,
				org.springframework.context.SmartLifecycle.class, org.springframework.util.Assert.class)
			.map(JavaCompilation::location)
			.collect(Collectors.joining(File.pathSeparator));
	}

	private static String location(Class<?> type) {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Path tempDirectory() {
		try {
			return Files.createTempDirectory("agent-migrate-javac");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
