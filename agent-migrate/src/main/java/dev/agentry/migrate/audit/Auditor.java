package dev.agentry.migrate.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.Problem;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.AnnotationDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;

/** Runs every rule over every class of a set of files and scores the classes. */
public final class Auditor {

	private final List<Rule> rules = List.of(new ShutdownRules(), new ThreadRules(), new LoopRules(), new ZmqRules(),
			new SharedSocketRule(), new LifecycleRule());

	private final JavaParser parser = Sources.parser();

	public AuditReport audit(List<Path> files) {
		List<ClassReport> classes = new ArrayList<>();
		List<Finding> unparseable = new ArrayList<>();
		for (Path file : files) {
			String source;
			try {
				source = Sources.readLenient(file);
			}
			catch (IOException ex) {
				unparseable.add(new Finding(Rules.PARSE_ERROR, file, 1, 1, null, "cannot be read: " + ex, Rules.PARSE_ERROR.fix()));
				continue;
			}
			ParseResult<CompilationUnit> result = this.parser.parse(source);
			if (result.isSuccessful() && result.getResult().isPresent()) {
				classes.addAll(audit(file, result.getResult().get()));
			}
			else {
				unparseable.add(parseError(file, result.getProblems()));
			}
		}
		return new AuditReport(files.size(), classes, unparseable);
	}

	/** The classes of one source held in memory (the migrated text); empty when it does not parse. */
	public List<ClassReport> audit(Path file, String source) {
		ParseResult<CompilationUnit> result = this.parser.parse(source);
		return result.getResult().filter((unit) -> result.isSuccessful()).map((unit) -> audit(file, unit)).orElse(List.of());
	}

	/** The classes of one parsed file. */
	public List<ClassReport> audit(Path file, CompilationUnit unit) {
		List<ClassReport> reports = new ArrayList<>();
		for (TypeDeclaration<?> type : unit.findAll(TypeDeclaration.class)) {
			if (type instanceof AnnotationDeclaration
					|| (type instanceof ClassOrInterfaceDeclaration declaration && declaration.isInterface())) {
				continue;
			}
			ClassScope scope = new ClassScope(file, type);
			List<Finding> findings = new ArrayList<>();
			this.rules.forEach((rule) -> findings.addAll(rule.check(scope)));
			findings.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
			int score = Scorer.score(findings);
			int line = type.getName().getBegin().map((position) -> position.line).orElse(1);
			reports.add(new ClassReport(scope.className(), file, line, List.copyOf(findings), score,
					Scorer.level(score), AgentCoreUsage.of(unit, scope)));
		}
		return reports;
	}

	private static Finding parseError(Path file, List<Problem> problems) {
		Problem first = problems.isEmpty() ? null : problems.get(0);
		int line = (first == null) ? 1
				: first.getLocation().flatMap((location) -> location.getBegin().getRange()).map((r) -> r.begin.line).orElse(1);
		int column = (first == null) ? 1
				: first.getLocation().flatMap((location) -> location.getBegin().getRange()).map((r) -> r.begin.column).orElse(1);
		String message = (first == null) ? "does not parse" : firstLine(first.getMessage());
		return new Finding(Rules.PARSE_ERROR, file, line, column, null, "does not parse: " + message,
				Rules.PARSE_ERROR.fix());
	}

	/** The parser's first line, without its list of every token it would have accepted. */
	private static String firstLine(String text) {
		int end = text.indexOf('\n');
		String line = (end < 0) ? text : text.substring(0, end);
		int expected = line.indexOf(", expected one of");
		return (expected < 0) ? line : line.substring(0, expected);
	}

}
