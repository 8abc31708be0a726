package dev.agentry.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@link ShutdownCheck} saw, from outside the agent: how it exited, what happened to
 * every request the load sent, whether its ports were released, its shutdown report and its
 * log. {@link #problems()} lists every way the stop was not clean; {@link #passed()} is
 * whether there were none. Assert on it with {@link AgentAssertions#assertThat}.
 *
 * @param agent the launcher's name
 * @param scenario the check's name
 * @param signal the signal sent
 * @param exitCode the exit code, or {@code null} when the agent had to be killed
 * @param timeToExit from the (first) signal to the process's exit (or kill)
 * @param exitLimit how long the agent was given
 * @param requests every request the load sent
 * @param replies how the requests were answered, by outcome ({@code ok}, error codes, {@code silent})
 * @param busyPorts the agent's ports still bound after its exit
 * @param report the shutdown report, or {@code null} when none was written
 * @param logFile the agent's output
 * @param problems every way the stop was not clean, for people; empty when it passed
 */
public record ShutdownResult(String agent, String scenario, Signal signal, Integer exitCode, Duration timeToExit,
		Duration exitLimit, Requests requests, Map<String, Long> replies, List<Integer> busyPorts,
		ShutdownReport report, Path logFile, List<String> problems) {

	/**
	 * The load's requests, counted by when they were sent.
	 *
	 * @param sent every request
	 * @param inflightAtSignal sent before the signal and not answered by then
	 * @param inflightAnswered of those, answered
	 * @param late sent after the signal (before the load saw readiness go 503 or an
	 * {@code unavailable} reply), plus the late probe if there was one
	 * @param lateAnswered of those, answered
	 * @param silent never answered at all
	 */
	public record Requests(long sent, long inflightAtSignal, long inflightAnswered, long late, long lateAnswered,
			long silent) {
	}

	public boolean passed() {
		return this.problems.isEmpty();
	}

	/** Whether the agent exited by itself within the limit. */
	public boolean exited() {
		return this.exitCode != null;
	}

	public boolean portsReleased() {
		return this.busyPorts.isEmpty();
	}

	public Optional<ShutdownReport> shutdownReport() {
		return Optional.ofNullable(this.report);
	}

	/** Everything the agent printed. */
	public String log() {
		try {
			return Files.readString(this.logFile, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** One line for people: PASS, or FAIL with every problem. */
	public String summary() {
		return this.agent + " / " + this.scenario + ": "
				+ (passed() ? "PASS" : "FAIL (" + String.join("; ", this.problems) + ")");
	}

}
