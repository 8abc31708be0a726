package dev.agentry.migrate.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
			new SharedSocketRule(), new CrossThreadCloseRule(), new LifecycleRule());

	private final JavaParser parser = Sources.parser();

	public AuditReport audit(List<Path> files) {
		List<Finding> unparseable = new ArrayList<>();
		Map<Path, CompilationUnit> units = new LinkedHashMap<>();
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
				units.put(file, result.getResult().get());
			}
			else {
				unparseable.add(parseError(file, result.getProblems()));
			}
		}
		// every file first: a class's supertypes may be declared in another one
		TypeIndex types = TypeIndex.of(List.copyOf(units.values()));
		List<ClassReport> classes = new ArrayList<>();
		units.forEach((file, unit) -> classes.addAll(audit(file, unit, types)));
		return new AuditReport(files.size(), classes, unparseable);
	}

	/** The supertypes declared in these files (the ones that parse), for {@link #audit(Path, String, TypeIndex)}. */
	public TypeIndex types(List<Path> files) {
		List<CompilationUnit> units = new ArrayList<>();
		for (Path file : files) {
			try {
				this.parser.parse(Sources.readLenient(file)).getResult().ifPresent(units::add);
			}
			catch (IOException ex) {
				// unreadable: its classes stay unknown, the audit reports the file itself
			}
		}
		return TypeIndex.of(units);
	}

	/** The classes of one source held in memory (the migrated text); empty when it does not parse. */
	public List<ClassReport> audit(Path file, String source, TypeIndex types) {
		ParseResult<CompilationUnit> result = this.parser.parse(source);
		return result.getResult().filter((unit) -> result.isSuccessful()).map((unit) -> audit(file, unit, types)).orElse(List.of());
	}

	/** The classes of one source on its own (its supertypes from that file only). */
	public List<ClassReport> audit(Path file, String source) {
		ParseResult<CompilationUnit> result = this.parser.parse(source);
		return result.getResult()
			.filter((unit) -> result.isSuccessful())
			.map((unit) -> audit(file, unit, TypeIndex.of(List.of(unit))))
			.orElse(List.of());
	}

	/** The classes of one parsed file. */
	public List<ClassReport> audit(Path file, CompilationUnit unit, TypeIndex types) {
		List<ClassReport> reports = new ArrayList<>();
		for (TypeDeclaration<?> type : unit.findAll(TypeDeclaration.class)) {
			if (type instanceof AnnotationDeclaration
					|| (type instanceof ClassOrInterfaceDeclaration declaration && declaration.isInterface())) {
				continue;
			}
			ClassScope scope = new ClassScope(file, type, types);
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
