package dev.agentry.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One figure's measurements over the rounds: min, median and max. */
record Samples(List<Double> values) {

	Samples {
		values = List.copyOf(values);
	}

	static Samples of(List<Double> values) {
		return new Samples(values);
	}

	private List<Double> sorted() {
		List<Double> sorted = new ArrayList<>(this.values);
		Collections.sort(sorted);
		return sorted;
	}

	double min() {
		return sorted().get(0);
	}

	double max() {
		return sorted().get(this.values.size() - 1);
	}

	double median() {
		List<Double> sorted = sorted();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	/** The value below which {@code fraction} of the values fall (nearest rank). */
	static double percentile(long[] sortedNanos, double fraction) {
		int rank = (int) Math.ceil(fraction * sortedNanos.length);
		return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))];
	}

}
