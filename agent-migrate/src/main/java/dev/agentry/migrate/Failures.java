package dev.agentry.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

import picocli.CommandLine;

/**
 * The exit codes: 0 done, 1 the {@code --fail-on} threshold was reached, 2 a usage error
 * (picocli's convention; no Java file found counts as one), 3 an input or output error (a file
 * or directory that cannot be read or written), reported on one line without a stack trace.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

	static final int IO_ERROR = 3;

	@Override
	public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult)
			throws Exception {
		Throwable cause = (ex instanceof UncheckedIOException unchecked) ? unchecked.getCause() : ex;
		if (!(cause instanceof IOException io)) {
			throw ex;
		}
		commandLine.getErr().println("agent-migrate: " + describe(io));
		return IO_ERROR;
	}

	/** {@code cannot write out/report.json: permission denied}, and the like. */
	static String describe(IOException ex) {
		if (ex instanceof FileSystemException file) {
			String reason = (ex instanceof AccessDeniedException) ? "permission denied"
					: (ex instanceof NoSuchFileException) ? "no such file or directory"
							: (ex instanceof NotDirectoryException) ? "not a directory"
									: (file.getReason() != null) ? file.getReason() : ex.getClass().getSimpleName();
			return "I/O error on " + file.getFile() + ": " + reason;
		}
		return "I/O error: " + ex.getMessage();
	}

}
