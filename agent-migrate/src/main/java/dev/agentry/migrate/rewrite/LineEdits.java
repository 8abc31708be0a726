package dev.agentry.migrate.rewrite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Edits of whole lines (and one in-line insertion) anchored at positions from the syntax tree,
 * applied bottom-up so that earlier positions stay valid. Everything not edited is kept byte for
 * byte, including the file's line endings.
 */
final class LineEdits {

	private final List<String> lines;

	private final String newline;

	private final boolean finalNewline;

	private final List<Edit> edits = new ArrayList<>();

	LineEdits(String source) {
		this.newline = source.contains("\r\n") ? "\r\n" : "\n";
		this.finalNewline = source.endsWith("\n");
		String body = this.finalNewline ? source.substring(0, source.length() - 1) : source;
		this.lines = new ArrayList<>(Arrays.asList(body.split("\n", -1)));
	}

	/** Line {@code line} (1-based) without its line ending. */
	String line(int line) {
		return stripCr(this.lines.get(line - 1));
	}

	int lineCount() {
		return this.lines.size();
	}

	/** The leading whitespace of a line. */
	String indentation(int line) {
		String text = line(line);
		int end = 0;
		while (end < text.length() && Character.isWhitespace(text.charAt(end))) {
			end++;
		}
		return text.substring(0, end);
	}

	/** Whether only whitespace stands on {@code line} before {@code column} (1-based). */
	boolean onlyWhitespaceBefore(int line, int column) {
		return line(line).substring(0, Math.min(column - 1, line(line).length())).isBlank();
	}

	/** Whether only whitespace, or a line comment, follows {@code column} (1-based, inclusive end) on {@code line}. */
	boolean onlyCommentAfter(int line, int column) {
		String rest = line(line).substring(Math.min(column, line(line).length())).strip();
		return rest.isEmpty() || rest.startsWith("//");
	}

	void deleteLines(int from, int to) {
		this.edits.add(new Edit(from, Integer.MAX_VALUE, to, null));
	}

	void insertLineAfter(int line, String text) {
		this.edits.add(new Edit(line, Integer.MAX_VALUE - 1, line, text));
	}

	void insertAt(int line, int column, String text) {
		this.edits.add(new Edit(line, column, line, text));
	}

	boolean isEmpty() {
		return this.edits.isEmpty();
	}

	String apply() {
		List<String> result = new ArrayList<>(this.lines);
		this.edits.stream()
			.sorted(Comparator.comparingInt(Edit::line).thenComparingInt(Edit::column).reversed())
			.forEach((edit) -> edit.applyTo(result, this.newline));
		String joined = String.join("\n", result);
		return this.finalNewline ? joined + "\n" : joined;
	}

	private static String stripCr(String line) {
		return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
	}

	/** column MAX_VALUE: delete lines line..to; MAX_VALUE - 1: a new line after {@code line}; else insert at column. */
	private record Edit(int line, int column, int to, String text) {

		void applyTo(List<String> lines, String newline) {
			String cr = newline.equals("\r\n") ? "\r" : "";
			if (this.column == Integer.MAX_VALUE) {
				lines.subList(this.line - 1, this.to).clear();
			}
			else if (this.column == Integer.MAX_VALUE - 1) {
				lines.add(this.line, this.text + cr);
			}
			else {
				String current = lines.get(this.line - 1);
				lines.set(this.line - 1, current.substring(0, this.column - 1) + this.text + current.substring(this.column - 1));
			}
		}

	}

}
