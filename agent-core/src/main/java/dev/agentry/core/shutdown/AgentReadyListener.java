package dev.agentry.core.shutdown;

import java.util.function.Supplier;

import dev.agentry.core.AgentState;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.metrics.AgentMetrics;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/** Marks the agent ready, states its shutdown budget and publishes the previous run's shutdown. */
public final class AgentReadyListener implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(AgentReadyListener.class);

	private final AgentStatus status;

	private final Supplier<ShutdownBudget> budget;

	private final ReportFiles files;

	private final AgentMetrics metrics;

	public AgentReadyListener(AgentStatus status, Supplier<ShutdownBudget> budget, ReportFiles files, AgentMetrics metrics) {
		this.status = status;
		this.budget = budget;
		this.files = files;
		this.metrics = metrics;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		this.files.publishLast(this.metrics);
		this.budget.get().log(this.status.name());
		if (this.status.advanceTo(AgentState.READY)) {
			logger.info("Agent '" + this.status.name() + "' (" + this.status.instance() + ") is ready");
		}
	}

}
