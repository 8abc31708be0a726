package dev.agentry.core.shutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.agentry.core.AgentPhases;
import dev.agentry.core.AgentStatus;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Step 7: once every lifecycle has stopped (Spring Boot's web server included), writes the
 * shutdown report, logs its summary line and times the whole shutdown. It then closes the
 * meter registries, which agent-core keeps open through the shutdown so that the steps are
 * recorded; the Pushgateway push of Spring Boot, if enabled, runs after this, when beans
 * are destroyed, and so carries every step (its bound is {@link ShutdownBudget#PUSH_TIMEOUT}).
 */
final class ShutdownReportWriter extends ShutdownStep
		implements DisposableBean, ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(ShutdownReportWriter.class);

	private final AgentStatus status;

	private final ShutdownRecorder recorder;

	private final ReportFiles files;

	private final List<MeterRegistry> registries;

	private final ObjectMapper mapper;

	/** Written once, by the stop or, after a failed start, by the destruction. */
	private boolean written;

	public ShutdownReportWriter(AgentStatus status, ShutdownRecorder recorder, ReportFiles files,
			List<MeterRegistry> registries, ObjectMapper mapper) {
		// Nothing recorded: the report is the record. Writing a local file has no bound of its own.
		super(Step.REPORT, null, null, recorder, Duration.ZERO);
		this.status = status;
		this.recorder = recorder;
		this.files = files;
		this.registries = registries;
		this.mapper = mapper;
	}

	@Override
	protected String stopping() {
		return "writing the shutdown report to " + this.files.reportFile();
	}

	@Override
	protected StepOutcome doStop(Completion step) {
		if (this.recorder.hasBegun()) {
			write();
		}
		return StepOutcome.GRACEFUL;
	}

	/**
	 * Writes a report once, to nowhere, when the agent is ready: the first one costs Jackson
	 * its serializers for these types, half of an idle agent's SIGTERM-to-exit in agent-bench
	 * (about 70 of 150 ms). Paid here, on a thread of its own, it is off both the start-up and
	 * the shutdown path.
	 */
	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		Thread thread = new Thread(this::warmUp, "agent-report-warm-up");
		thread.setDaemon(true);
		thread.start();
	}

	private void warmUp() {
		Instant now = Instant.now();
		ShutdownReport sample = new ShutdownReport(this.status.name(), this.status.instance(), now, now, now, 0,
				StepOutcome.GRACEFUL, ShutdownReason.SIGNAL,
				List.of(new StepRecord(Step.ENDPOINTS.tag(), "main", Duration.ZERO, StepOutcome.GRACEFUL, 0, 0, 0)));
		try {
			this.mapper.writeValueAsString(sample);
		}
		catch (RuntimeException ex) {
			// Only a warm-up: the real report is written, and fails loudly, at step 7.
			logger.debug("Warming up the shutdown report failed", ex);
		}
	}

	/** A context whose start failed is destroyed without a close event: report that too. */
	@Override
	public void destroy() {
		this.recorder.begin(ShutdownReason.STARTUP_FAILURE);
		write();
	}

	private synchronized void write() {
		if (this.written) {
			return;
		}
		this.written = true;
		List<StepRecord> steps = this.recorder.steps();
		StepOutcome outcome = StepOutcome.GRACEFUL;
		for (StepRecord step : steps) {
			outcome = outcome.worst(step.outcome());
		}
		Duration total = this.recorder.elapsed();
		this.recorder.metrics().shutdown(outcome, total);
		ShutdownReport report = new ShutdownReport(this.status.name(), this.status.instance(), this.status.startedAt(),
				this.recorder.startedAt(), Instant.now(), total.toNanos() / 1e9, outcome, this.recorder.reason(), steps);
		String json = this.mapper.writeValueAsString(report);
		this.files.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		logger.info(Step.REPORT.prefix() + ": agent '" + this.status.name() + "' stopped in " + total.toMillis()
				+ " ms (" + outcome.wireName() + ", " + steps.size() + " steps), report " + this.files.reportFile()
				+ ": " + json);
		for (MeterRegistry registry : this.registries) {
			if (!registry.isClosed()) {
				registry.close();
			}
		}
	}

	@Override
	public int getPhase() {
		return AgentPhases.REPORT;
	}

}
