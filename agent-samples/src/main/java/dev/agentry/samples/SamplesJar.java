package dev.agentry.samples;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Where the samples jar is, for the commands that start sample agents as child JVMs
 * ({@code demo}, {@code verify-shutdown}).
 */
public final class SamplesJar {

	private SamplesJar() {
	}

	/** The samples jar that holds this class, or the system property {@code agentry.samples.jar}. */
	public static Optional<Path> locate() {
		CodeSource source = SamplesJar.class.getProtectionDomain().getCodeSource();
		if (source != null && source.getLocation() != null) {
			Optional<Path> jar = jarOf(source.getLocation().toString());
			if (jar.isPresent()) {
				return jar;
			}
		}
		String property = System.getProperty("agentry.samples.jar");
		if (property != null && Files.isRegularFile(Path.of(property))) {
			return Optional.of(Path.of(property).toAbsolutePath());
		}
		return Optional.empty();
	}

	/**
	 * The outer jar of a code source: {@code jar:nested:/path/x.jar/!BOOT-INF/classes/!/}
	 * (Spring Boot's fat jar), {@code jar:file:/path/x.jar!/...}, or {@code file:/path/x.jar};
	 * empty for a class directory.
	 */
	static Optional<Path> jarOf(String url) {
		String path;
		if (url.startsWith("jar:nested:")) {
			path = url.substring("jar:nested:".length());
			int nested = path.indexOf("/!");
			path = (nested >= 0) ? path.substring(0, nested) : path;
			path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		else if (url.startsWith("jar:file:")) {
			int bang = url.indexOf("!/");
			try {
				path = Path.of(new URI(url.substring(4, (bang >= 0) ? bang : url.length()))).toString();
			}
			catch (URISyntaxException | IllegalArgumentException ex) {
				return Optional.empty();
			}
		}
		else if (url.startsWith("file:")) {
			try {
				path = Path.of(new URI(url)).toString();
			}
			catch (URISyntaxException | IllegalArgumentException ex) {
				return Optional.empty();
			}
		}
		else {
			return Optional.empty();
		}
		Path jar = Path.of(path);
		return (Files.isRegularFile(jar) && path.endsWith(".jar")) ? Optional.of(jar.toAbsolutePath())
				: Optional.empty();
	}

}
