package dev.agentry.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a clean stop is, as DESIGN.md promises it: each way a result falls short, in words. */
final class Verdict {

	/** Error codes that say the load's requests themselves were wrong, not the stop. */
	private static final Set<String> WRONG_REQUEST = Set.of("bad_request", "unknown_action", "internal");

	/** Steps every agent-core agent reports, whatever beans it has. */
	private static final List<String> ALWAYS_REPORTED = List.of("delay", "context");

	private final Signal signal;

	private final boolean duringStartup;

	private final boolean expectForced;

	Verdict(Signal signal, boolean duringStartup, boolean expectForced) {
		this.signal = signal;
		this.duringStartup = duringStartup;
		this.expectForced = expectForced;
	}

	List<String> problems(Integer exitCode, Duration limit, ShutdownResult.Requests requests,
			Map<String, Long> replies, List<Integer> busyPorts, ShutdownReport report, Path reportFile) {
		List<String> problems = new ArrayList<>();
		if (exitCode == null) {
			problems.add("still running " + limit.toMillis() + " ms after the signal (killed)");
		}
		else if (exitCode != this.signal.cleanExitCode() && exitCode != 0) {
			problems.add("exit code " + exitCode + " (clean is " + this.signal.cleanExitCode() + " or 0)");
		}
		if (requests.inflightAnswered() < requests.inflightAtSignal()) {
			problems.add((requests.inflightAtSignal() - requests.inflightAnswered()) + " of "
					+ requests.inflightAtSignal() + " request(s) in flight at the signal never answered");
		}
		if (requests.lateAnswered() < requests.late()) {
			problems.add((requests.late() - requests.lateAnswered()) + " of " + requests.late()
					+ " request(s) sent after the signal never answered");
		}
		replies.forEach((outcome, count) -> {
			if (WRONG_REQUEST.contains(outcome)) {
				problems.add(count + " request(s) answered " + outcome + ": check the load template and handler");
			}
		});
		long timeouts = replies.getOrDefault("timeout", 0L);
		if (this.expectForced && timeouts == 0) {
			problems.add("no request was answered timeout, yet the drain was expected to force them");
		}
		else if (!this.expectForced && timeouts > 0) {
			problems.add(timeouts + " request(s) answered timeout");
		}
		if (!busyPorts.isEmpty()) {
			problems.add("ports still bound after the exit: " + busyPorts);
		}
		problems.addAll(reportProblems(report, reportFile));
		return problems;
	}

	private List<String> reportProblems(ShutdownReport report, Path reportFile) {
		if (report == null) {
			return List.of("no shutdown report at " + reportFile);
		}
		List<String> problems = new ArrayList<>();
		List<String> expectedReasons = this.duringStartup ? List.of("signal", "startup-failure") : List.of("signal");
		if (!expectedReasons.contains(report.reason())) {
			problems.add("report reason '" + report.reason() + "' (expected " + String.join(" or ", expectedReasons)
					+ ")");
		}
		for (String step : ALWAYS_REPORTED) {
			if (report.step(step).isEmpty()) {
				problems.add("report has no step '" + step + "'");
			}
		}
		if (this.expectForced) {
			if (report.forced() == 0) {
				problems.add("report counts no forced request");
			}
		}
		else if (!"graceful".equals(report.outcome())) {
			problems.add("report outcome '" + report.outcome() + "'");
		}
		return problems;
	}

}
