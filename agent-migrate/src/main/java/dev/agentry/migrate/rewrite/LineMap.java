package dev.agentry.migrate.rewrite;

import java.util.Arrays;
import java.util.List;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;

/**
 * Which line of the original file each line of the migrated one stands for, so that findings
 * made on the migrated text are reported where the user sees them. A line that migrate added
 * stands for the original line just before it.
 */
public final class LineMap {

	private final int[] original;

	private LineMap(int[] original) {
		this.original = original;
	}

	public static LineMap of(String original, String migrated) {
		List<String> before = lines(original);
		List<String> after = lines(migrated);
		int[] map = new int[after.size() + 1];
		int from = 0;
		int to = 0;
		for (AbstractDelta<String> delta : DiffUtils.diff(before, after).getDeltas()) {
			while (to < delta.getTarget().getPosition()) {
				map[++to] = ++from;
			}
			int anchor = Math.max(1, delta.getSource().getPosition() + Math.min(1, delta.getSource().size()));
			for (int i = 0; i < delta.getTarget().size(); i++) {
				map[++to] = anchor;
			}
			from += delta.getSource().size();
		}
		while (to < after.size()) {
			map[++to] = ++from;
		}
		return new LineMap(map);
	}

	/** The original line for a 1-based line of the migrated text. */
	public int original(int migratedLine) {
		return (migratedLine >= 1 && migratedLine < this.original.length) ? this.original[migratedLine] : migratedLine;
	}

	private static List<String> lines(String text) {
		return Arrays.asList(text.split("\r?\n", -1));
	}

}
