package dev.agentry.migrate.audit;

import java.util.List;

/**
 * A class's score is the sum of its findings' weights. The thresholds: one medium-weight
 * hazard (an endless loop, an unclosed context) makes a class medium, two make it high.
 */
public final class Scorer {

	static final int MEDIUM_FROM = 5;

	static final int HIGH_FROM = 10;

	private Scorer() {
	}

	public static int score(List<Finding> findings) {
		return findings.stream().mapToInt((finding) -> finding.rule().weight()).sum();
	}

	public static Level level(int score) {
		if (score >= HIGH_FROM) {
			return Level.HIGH;
		}
		if (score >= MEDIUM_FROM) {
			return Level.MEDIUM;
		}
		return (score > 0) ? Level.LOW : Level.COMPLIANT;
	}

}
