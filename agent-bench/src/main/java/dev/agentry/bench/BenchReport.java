package dev.agentry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The side-by-side table (Markdown) and the same figures as JSON. */
final class BenchReport {

	private static final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final List<Comparison> comparisons;

	private final Map<String, Object> environment;

	BenchReport(List<Comparison> comparisons, Map<String, Object> environment) {
		this.comparisons = List.copyOf(comparisons);
		this.environment = environment;
	}

	String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("| figure | unit | agent (min / median / max) | baseline (min / median / max) | ratio | target | met |\n");
		md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
		for (Comparison c : this.comparisons) {
			Double ratio = c.ratio();
			Boolean met = c.met();
			md.append("| ")
				.append(c.name())
				.append(" | ")
				.append(c.unit())
				.append(" | ")
				.append(range(c.agent()))
				.append(" | ")
				.append((c.baseline() != null) ? range(c.baseline()) + " (" + c.baselineName() + ")" : "")
				.append(" | ")
				.append((ratio != null) ? String.format(Locale.ROOT, "%.2f", ratio) : "")
				.append(" | ")
				.append((c.target() != null) ? (c.higherIsBetter() ? "≥ " : "≤ ") + c.target() : "")
				.append(" | ")
				.append((met == null) ? "" : (met ? "yes" : "**no**"))
				.append(" |\n");
		}
		md.append('\n').append("Measured ").append(this.environment.get("finished_at")).append(" on ")
			.append(this.environment.get("cpus")).append(" CPUs, Java ").append(this.environment.get("java"))
			.append(", ").append(this.environment.get("rounds")).append(" rounds per figure.\n");
		return md.toString();
	}

	void write(Path out) throws IOException {
		Files.createDirectories(out);
		Files.writeString(out.resolve("bench.md"), markdown());
		Map<String, Object> root = new LinkedHashMap<>(this.environment);
		root.put("figures", this.comparisons.stream().map(BenchReport::json).toList());
		Files.writeString(out.resolve("bench.json"), mapper.writeValueAsString(root));
	}

	private static Map<String, Object> json(Comparison c) {
		Map<String, Object> figure = new LinkedHashMap<>();
		figure.put("name", c.name());
		figure.put("unit", c.unit());
		figure.put("agent", samples(c.agent()));
		figure.put("baseline", (c.baseline() != null) ? samples(c.baseline()) : null);
		figure.put("baseline_name", c.baselineName());
		figure.put("ratio", c.ratio());
		figure.put("target", c.target());
		figure.put("higher_is_better", c.higherIsBetter());
		figure.put("met", c.met());
		return figure;
	}

	private static Map<String, Object> samples(Samples samples) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("min", samples.min());
		json.put("median", samples.median());
		json.put("max", samples.max());
		json.put("values", samples.values());
		return json;
	}

	private static String range(Samples samples) {
		return format(samples.min()) + " / " + format(samples.median()) + " / " + format(samples.max());
	}

	private static String format(double value) {
		if (Double.isNaN(value)) {
			return "n/a";
		}
		return (Math.abs(value) >= 100) ? String.format(Locale.ROOT, "%,.0f", value)
				: String.format(Locale.ROOT, "%.1f", value);
	}

	static Map<String, Object> environment(BenchOptions options) {
		Map<String, Object> environment = new LinkedHashMap<>();
		environment.put("finished_at", Instant.now().toString());
		environment.put("cpus", Runtime.getRuntime().availableProcessors());
		environment.put("java", System.getProperty("java.version"));
		environment.put("rounds", options.rounds());
		environment.put("measure_seconds", options.measure().toMillis() / 1000.0);
		environment.put("latency_requests", options.latencyRequests());
		return environment;
	}

}
