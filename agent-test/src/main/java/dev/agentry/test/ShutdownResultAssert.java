package dev.agentry.test;

import java.time.Duration;

import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link ShutdownResult}. Every failure message carries the
 * problems the check found and where the agent's log is.
 */
public final class ShutdownResultAssert extends AbstractAssert<ShutdownResultAssert, ShutdownResult> {

	ShutdownResultAssert(ShutdownResult actual) {
		super(actual, ShutdownResultAssert.class);
	}

	/** Everything the check verifies: see {@link ShutdownResult#problems()}. */
	public ShutdownResultAssert isClean() {
		isNotNull();
		if (!this.actual.passed()) {
			failWithMessage("Expected a clean stop of %s, but: %s%nlog: %s", describe(),
					String.join("; ", this.actual.problems()), this.actual.logFile());
		}
		return this;
	}

	/** Exited by itself with the signal's clean exit code or 0. */
	public ShutdownResultAssert exitedCleanly() {
		isNotNull();
		Integer code = this.actual.exitCode();
		if (code == null || (code != this.actual.signal().cleanExitCode() && code != 0)) {
			failWithMessage("Expected %s to exit with %s or 0, but got %s%nlog: %s", describe(),
					this.actual.signal().cleanExitCode(), (code != null) ? code : "no exit (killed)",
					this.actual.logFile());
		}
		return this;
	}

	public ShutdownResultAssert exitedWithin(Duration limit) {
		isNotNull();
		if (!this.actual.exited() || this.actual.timeToExit().compareTo(limit) > 0) {
			failWithMessage("Expected %s to exit within %s ms of the signal, but it took %s ms%s", describe(),
					limit.toMillis(), this.actual.timeToExit().toMillis(), this.actual.exited() ? "" : " (killed)");
		}
		return this;
	}

	/** Every request the load sent got a reply, whatever its status. */
	public ShutdownResultAssert answeredEveryRequest() {
		isNotNull();
		if (this.actual.requests().silent() > 0) {
			failWithMessage("Expected every request to %s to be answered, but %s of %s got no reply", describe(),
					this.actual.requests().silent(), this.actual.requests().sent());
		}
		return this;
	}

	public ShutdownResultAssert releasedPorts() {
		isNotNull();
		if (!this.actual.portsReleased()) {
			failWithMessage("Expected %s to release its ports, but %s are still bound", describe(),
					this.actual.busyPorts());
		}
		return this;
	}

	/** The shutdown report lists the step (delay, endpoints, streams, workers, health, context). */
	public ShutdownResultAssert reportedStep(String step) {
		isNotNull();
		if (this.actual.report() == null || this.actual.report().step(step).isEmpty()) {
			failWithMessage("Expected the shutdown report of %s to list step '%s', but it lists %s", describe(), step,
					(this.actual.report() != null) ? this.actual.report().stepNames() : "nothing (no report)");
		}
		return this;
	}

	private String describe() {
		return this.actual.agent() + " (" + this.actual.scenario() + ")";
	}

}
