import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies unified diffs to JeroMQ's unpacked sources, strictly: every context and removed line
 * must be where its hunk says, or the build fails naming the patch, file and line. Run by the
 * build as a single-file program ({@code java ApplyPatches.java <sources> <patch>...}), so
 * that building the project needs nothing but a JDK: no git, no patch(1), on any machine and
 * in any image.
 */
public class ApplyPatches {

	private static final Pattern HUNK = Pattern.compile("@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@");

	public static void main(String[] args) throws IOException {
		Path sources = Path.of(args[0]);
		for (int i = 1; i < args.length; i++) {
			Path patch = Path.of(args[i]);
			try {
				apply(sources, Files.readAllLines(patch, StandardCharsets.UTF_8));
			}
			catch (IllegalStateException ex) {
				System.err.println("[jeromq-patched] " + patch.getFileName() + " does not apply: " + ex.getMessage());
				System.exit(1);
			}
			System.out.println("[jeromq-patched] applied " + patch.getFileName());
		}
	}

	private static void apply(Path sources, List<String> diff) throws IOException {
		int at = 0;
		while (at < diff.size()) {
			if (!diff.get(at).startsWith("--- ")) {
				at++;
				continue;
			}
			String target = diff.get(at + 1);
			if (!target.startsWith("+++ b/")) {
				throw new IllegalStateException("expected '+++ b/<path>' after line " + (at + 1));
			}
			Path file = sources.resolve(target.substring("+++ b/".length()).trim());
			List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
			at += 2;
			// Hunks in order. The new side's line number is where a hunk starts once the hunks
			// before it are applied, which they are.
			while (at < diff.size() && diff.get(at).startsWith("@@ ")) {
				String header = diff.get(at);
				Matcher range = HUNK.matcher(header);
				if (!range.lookingAt()) {
					throw new IllegalStateException("not a hunk header: " + header);
				}
				int start = Math.max(0, Integer.parseInt(range.group(1)) - 1);
				List<String> expected = new ArrayList<>();
				List<String> replacement = new ArrayList<>();
				at++;
				while (at < diff.size() && !diff.get(at).startsWith("@@ ") && !diff.get(at).startsWith("--- ")) {
					String line = diff.get(at++);
					if (line.startsWith("\\")) {
						continue;
					}
					char kind = line.isEmpty() ? ' ' : line.charAt(0);
					String text = line.isEmpty() ? "" : line.substring(1);
					if (kind == ' ' || kind == '-') {
						expected.add(text);
					}
					if (kind == ' ' || kind == '+') {
						replacement.add(text);
					}
				}
				if (start + expected.size() > lines.size()
						|| !lines.subList(start, start + expected.size()).equals(expected)) {
					throw new IllegalStateException(file + ": the hunk " + header + " does not match the sources");
				}
				lines.subList(start, start + expected.size()).clear();
				lines.addAll(start, replacement);
			}
			// JeroMQ's sources end their lines with LF, whatever this machine's separator is.
			Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
		}
	}

}
