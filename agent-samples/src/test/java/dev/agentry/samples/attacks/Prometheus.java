package dev.agentry.samples.attacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.agentry.test.AgentProcess;

/** One scrape of an agent's {@code /actuator/prometheus}, parsed into samples (text format 0.0.4). */
record Prometheus(List<Sample> samples) {

	/** {@code name{labels} value}, the timestamp (if any) ignored. */
	private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	record Sample(String name, Map<String, String> labels, double value) {
	}

	static Prometheus scrape(AgentProcess agent) {
		return parse(agent.httpBody("/actuator/prometheus"));
	}

	static Prometheus parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			Matcher matcher = LINE.matcher(line);
			if (!matcher.find()) {
				continue;
			}
			Map<String, String> labels = new LinkedHashMap<>();
			if (matcher.group(2) != null) {
				Matcher label = LABEL.matcher(matcher.group(2));
				while (label.find()) {
					labels.put(label.group(1), label.group(2));
				}
			}
			samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(3))));
		}
		return new Prometheus(samples);
	}

	/** The sum of every sample of the metric whose labels include {@code match}; 0 when there is none. */
	double sum(String name, Map<String, String> match) {
		return this.samples.stream()
			.filter((sample) -> sample.name().equals(name))
			.filter((sample) -> sample.labels().entrySet().containsAll(match.entrySet()))
			.mapToDouble(Sample::value)
			.sum();
	}

}
