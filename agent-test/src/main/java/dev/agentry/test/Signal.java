package dev.agentry.test;

/**
 * The signals that stop an agent, and the exit code a JVM that stops cleanly on each gets
 * (128 + the signal's number: what Kubernetes and shells report).
 */
public enum Signal {

	/** What the kubelet and {@code docker stop} send. */
	TERM(143),

	/** Ctrl+C. */
	INT(130);

	private final int exitCode;

	Signal(int exitCode) {
		this.exitCode = exitCode;
	}

	public int cleanExitCode() {
		return this.exitCode;
	}

}
