package dev.agentry.migrate.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version Maven filtered into {@code agent-migrate.properties} (SARIF's {@code tool.driver.version}). */
final class ToolVersion {

	private ToolVersion() {
	}

	static String get() {
		try (InputStream in = ToolVersion.class.getResourceAsStream("/agent-migrate.properties")) {
			Properties properties = new Properties();
			if (in != null) {
				properties.load(in);
			}
			return properties.getProperty("version", "unknown");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
