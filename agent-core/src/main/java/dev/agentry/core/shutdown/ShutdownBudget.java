package dev.agentry.core.shutdown;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The worst case of a shutdown, {@code delay + drain-timeout + worker-join-timeout + linger},
 * set against Kubernetes' grace period: past it, the kubelet's SIGKILL cuts the drain short.
 */
public record ShutdownBudget(Duration delay, Duration drainTimeout, Duration workerJoinTimeout, Duration linger,
		Duration gracePeriod) {

	private static final Log logger = LogFactory.getLog(ShutdownBudget.class);

	public Duration worstCase() {
		return this.delay.plus(this.drainTimeout).plus(this.workerJoinTimeout).plus(this.linger);
	}

	public boolean exceedsGracePeriod() {
		return worstCase().compareTo(this.gracePeriod) > 0;
	}

	public void log(String agent) {
		String budget = "Agent '" + agent + "' shuts down in at most " + worstCase().toMillis() + " ms (delay "
				+ this.delay.toMillis() + " + drain-timeout " + this.drainTimeout.toMillis() + " + worker-join-timeout "
				+ this.workerJoinTimeout.toMillis() + " + linger " + this.linger.toMillis() + "); grace period "
				+ this.gracePeriod.toMillis() + " ms";
		if (exceedsGracePeriod()) {
			logger.warn(budget + ": the worst case exceeds agent.shutdown.grace-period, so a slow drain would be "
					+ "killed; lower the timeouts or raise terminationGracePeriodSeconds and agent.shutdown.grace-period");
		}
		else {
			logger.info(budget);
		}
	}

}
