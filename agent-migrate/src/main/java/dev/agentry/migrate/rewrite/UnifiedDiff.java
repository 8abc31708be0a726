package dev.agentry.migrate.rewrite;

import java.util.Arrays;
import java.util.List;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

/** A unified diff (three lines of context, {@code a/} and {@code b/} prefixes) that {@code git apply} and {@code patch -p1} take. */
public final class UnifiedDiff {

	private UnifiedDiff() {
	}

	public static String of(String path, String original, String migrated) {
		List<String> before = lines(original);
		List<String> after = lines(migrated);
		Patch<String> patch = DiffUtils.diff(before, after);
		List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("a/" + path, "b/" + path, before, patch, 3);
		return diff.isEmpty() ? "" : String.join("\n", diff) + "\n";
	}

	private static List<String> lines(String text) {
		String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
		return body.isEmpty() ? List.of() : Arrays.asList(body.split("\r?\n", -1));
	}

}
