package dev.agentry.bench;

import java.time.Duration;

/** A child process's CPU time (user and system, all threads), as the OS counts it. */
final class CpuTime {

	private CpuTime() {
	}

	static long nanos(long pid) {
		return ProcessHandle.of(pid)
			.flatMap((process) -> process.info().totalCpuDuration())
			.map(Duration::toNanos)
			.orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
	}

	/** CPU microseconds per request, of what ran between {@code before} and now. */
	static double microsPerRequest(long pid, long before, long requests) {
		return (requests > 0) ? (nanos(pid) - before) / 1000.0 / requests : Double.NaN;
	}

}
