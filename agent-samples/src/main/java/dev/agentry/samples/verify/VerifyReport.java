package dev.agentry.samples.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.agentry.test.ShutdownReport;
import dev.agentry.test.ShutdownResult;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** verify-shutdown's results as a table for people and as JSON for scripts. */
final class VerifyReport {

	private static final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private static final List<String> HEADER = List.of("AGENT", "SCENARIO", "EXIT", "TIME TO EXIT", "IN-FLIGHT ANSWERED",
			"LATE ANSWERED", "PORTS FREE", "REPORT STEPS", "RESULT");

	private final List<ShutdownResult> results;

	VerifyReport(List<ShutdownResult> results) {
		this.results = List.copyOf(results);
	}

	boolean passed() {
		return !this.results.isEmpty() && failures() == 0;
	}

	long failures() {
		return this.results.stream().filter((result) -> !result.passed()).count();
	}

	String table() {
		List<List<String>> rows = new ArrayList<>();
		rows.add(HEADER);
		for (ShutdownResult result : this.results) {
			ShutdownResult.Requests requests = result.requests();
			rows.add(List.of(result.agent(), result.scenario(),
					(result.exitCode() != null) ? result.exitCode().toString() : "killed",
					String.format(Locale.ROOT, "%.2f s / %d s", seconds(result), result.exitLimit().toSeconds()),
					requests.inflightAnswered() + "/" + requests.inflightAtSignal(),
					requests.lateAnswered() + "/" + requests.late(), result.portsReleased() ? "yes" : "no",
					result.shutdownReport().map((report) -> String.join(">", report.stepNames())).orElse("(none)"),
					result.passed() ? "PASS" : "FAIL: " + String.join("; ", result.problems())));
		}
		int[] widths = new int[HEADER.size()];
		for (List<String> row : rows) {
			for (int i = 0; i < row.size() - 1; i++) {
				widths[i] = Math.max(widths[i], row.get(i).length());
			}
		}
		StringBuilder table = new StringBuilder();
		for (List<String> row : rows) {
			for (int i = 0; i < row.size(); i++) {
				table.append((i < row.size() - 1) ? pad(row.get(i), widths[i]) + "  " : row.get(i));
			}
			table.append(System.lineSeparator());
		}
		return table.toString();
	}

	void writeJson(Path file) throws IOException {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("passed", passed());
		root.put("checks", this.results.size());
		root.put("failures", failures());
		root.put("rows", this.results.stream().map(VerifyReport::row).toList());
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(file, mapper.writeValueAsString(root));
	}

	private static Map<String, Object> row(ShutdownResult result) {
		ShutdownResult.Requests requests = result.requests();
		Map<String, Object> row = new LinkedHashMap<>();
		row.put("agent", result.agent());
		row.put("scenario", result.scenario());
		row.put("signal", "SIG" + result.signal().name());
		row.put("exit_code", result.exitCode());
		row.put("time_to_exit_seconds", Math.round(seconds(result) * 1000) / 1000.0);
		row.put("exit_limit_seconds", result.exitLimit().toMillis() / 1000.0);
		row.put("requests_sent", requests.sent());
		row.put("inflight_at_signal", requests.inflightAtSignal());
		row.put("inflight_answered", requests.inflightAnswered());
		row.put("late_sent", requests.late());
		row.put("late_answered", requests.lateAnswered());
		row.put("silent", requests.silent());
		row.put("replies", result.replies());
		row.put("ports_free", result.portsReleased());
		row.put("busy_ports", result.busyPorts());
		ShutdownReport report = result.report();
		row.put("report_outcome", (report != null) ? report.outcome() : null);
		row.put("report_reason", (report != null) ? report.reason() : null);
		row.put("report_steps", (report != null) ? report.stepNames() : List.of());
		row.put("forced", (report != null) ? report.forced() : 0);
		row.put("result", result.passed() ? "PASS" : "FAIL");
		row.put("problems", result.problems());
		row.put("log", result.logFile().toString());
		return row;
	}

	private static double seconds(ShutdownResult result) {
		return result.timeToExit().toNanos() / 1e9;
	}

	private static String pad(String text, int width) {
		return text + " ".repeat(Math.max(0, width - text.length()));
	}

}
