package dev.agentry.test;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * The jar a class was loaded from, for tools that start their own jar again as a child JVM:
 * a Spring Boot fat jar, a plain jar, or nothing for a class directory.
 */
public final class JarLocation {

	private JarLocation() {
	}

	/** The outer jar that holds the class, empty when it came from a directory. */
	public static Optional<Path> of(Class<?> type) {
		CodeSource source = type.getProtectionDomain().getCodeSource();
		if (source == null || source.getLocation() == null) {
			return Optional.empty();
		}
		return jarOf(source.getLocation().toString());
	}

	/**
	 * The outer jar of a code source: {@code jar:nested:/path/x.jar/!BOOT-INF/classes/!/}
	 * (Spring Boot's fat jar), {@code jar:file:/path/x.jar!/...}, or {@code file:/path/x.jar};
	 * empty for a class directory.
	 */
	public static Optional<Path> jarOf(String url) {
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
