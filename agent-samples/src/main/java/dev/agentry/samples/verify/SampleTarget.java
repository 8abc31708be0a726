package dev.agentry.samples.verify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.test.Load;

/**
 * A sample agent as verify-shutdown drives it: the request its load sends, and whether it
 * has an action slow enough to outlive a drain timeout.
 *
 * @param command the samples jar's command
 * @param template the load's request
 * @param slowAction the property that makes its action slow, or {@code null} when it has none
 */
record SampleTarget(String command, String template, String slowAction) {

	static final Map<String, SampleTarget> ALL = all();

	private static Map<String, SampleTarget> all() {
		Map<String, SampleTarget> all = new LinkedHashMap<>();
		add(all, new SampleTarget("service-registry", "{\"action\":\"lookup\",\"service\":\"model-worker\"}", null));
		add(all, new SampleTarget("model-worker", "{\"action\":\"infer\",\"text\":\"verify shutdown\"}",
				"model-worker.latency"));
		add(all, new SampleTarget("request-coordinator", "{\"action\":\"infer\",\"text\":\"verify shutdown\"}", null));
		add(all, new SampleTarget("streaming-interrupt-handler",
				"{\"action\":\"interrupt\",\"request_id\":\"verify-shutdown\"}", null));
		add(all, new SampleTarget("observability-hub", "{\"action\":\"status\"}", null));
		return Collections.unmodifiableMap(all);
	}

	private static void add(Map<String, SampleTarget> all, SampleTarget target) {
		all.put(target.command, target);
	}

	static List<String> names() {
		return List.copyOf(ALL.keySet());
	}

	boolean supports(Scenario scenario) {
		return scenario != Scenario.DRAIN_TIMEOUT || this.slowAction != null;
	}

	boolean isRegistry() {
		return "service-registry".equals(this.command);
	}

	/** The coordinator answers from workers: it needs one registered. */
	boolean needsWorker() {
		return "request-coordinator".equals(this.command);
	}

	Load load(Scenario scenario) {
		// Slow requests: one connection with two in flight is enough to keep the drain busy.
		return (scenario == Scenario.DRAIN_TIMEOUT) ? new Load(this.template, 1, 2) : new Load(this.template, 2, 4);
	}

}
