package dev.agentry.core.shutdown;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import dev.agentry.core.metrics.AgentMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Where the report goes: {@code agent.shutdown.report-file}, written atomically so that a
 * kill halfway leaves the previous report whole, and Kubernetes' termination log when it
 * exists and is writable. Reads the previous report back at start-up.
 */
public final class ReportFiles {

	/** Kubernetes shows what a container writes here as its termination message. */
	static final Path TERMINATION_LOG = Path.of("/dev/termination-log");

	private static final Log logger = LogFactory.getLog(ReportFiles.class);

	private final Path reportFile;

	private final Path terminationLog;

	private final ObjectMapper mapper;

	public ReportFiles(Path reportFile, ObjectMapper mapper) {
		this(reportFile, TERMINATION_LOG, mapper);
	}

	ReportFiles(Path reportFile, Path terminationLog, ObjectMapper mapper) {
		this.reportFile = reportFile;
		this.terminationLog = terminationLog;
		this.mapper = mapper;
	}

	public Path reportFile() {
		return this.reportFile;
	}

	void write(byte[] report) {
		try {
			Files.createDirectories(this.reportFile.toAbsolutePath().getParent());
			Path partial = this.reportFile.resolveSibling(this.reportFile.getFileName() + ".partial");
			Files.write(partial, report);
			try {
				Files.move(partial, this.reportFile, StandardCopyOption.REPLACE_EXISTING,
						StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(partial, this.reportFile, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not write the shutdown report to " + this.reportFile + ": " + ex);
		}
		if (Files.isRegularFile(this.terminationLog) && Files.isWritable(this.terminationLog)) {
			try {
				Files.write(this.terminationLog, report);
			}
			catch (IOException ex) {
				logger.debug("Could not write " + this.terminationLog + ": " + ex);
			}
		}
	}

	/** Publishes the previous run's total as {@code agent_last_shutdown_seconds}, if it left a report. */
	public void publishLast(AgentMetrics metrics) {
		readLast().ifPresent((last) -> {
			JsonNode total = last.get("total_seconds");
			JsonNode outcome = last.get("outcome");
			if (total != null && total.isNumber()) {
				metrics.lastShutdown((outcome != null) ? outcome.asString("unknown") : "unknown", total.doubleValue());
				logger.info("The previous shutdown took " + total.doubleValue() + " s ("
						+ ((outcome != null) ? outcome.asString("unknown") : "unknown") + ")");
			}
		});
	}

	Optional<JsonNode> readLast() {
		if (!Files.isRegularFile(this.reportFile)) {
			return Optional.empty();
		}
		try {
			return Optional.ofNullable(this.mapper.readTree(this.reportFile.toFile())).filter(JsonNode::isObject);
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring the unreadable previous shutdown report " + this.reportFile);
			return Optional.empty();
		}
	}

}
