package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instructions of a Dockerfile, enough to check the repository's own: comments dropped,
 * continuation lines joined, each instruction numbered by the stage it belongs to (-1 before
 * the first FROM).
 */
record DockerfileModel(List<Instruction> instructions) {

	private static final Pattern LAYER_COPY = Pattern.compile("--from=build /layers/([a-z-]+)/ \\./");

	private static final Pattern ENV_PAIR = Pattern.compile("([A-Z_]+)=(\"[^\"]*\"|\\S+)");

	static DockerfileModel read(Path dockerfile) throws IOException {
		List<Instruction> instructions = new ArrayList<>();
		StringBuilder pending = new StringBuilder();
		int stage = -1;
		for (String line : Files.readAllLines(dockerfile)) {
			String trimmed = line.strip();
			if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
				continue;
			}
			if (trimmed.endsWith("\\")) {
				pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
				continue;
			}
			pending.append(trimmed);
			String[] parts = pending.toString().split("\\s+", 2);
			pending.setLength(0);
			String keyword = parts[0].toUpperCase();
			if (keyword.equals("FROM")) {
				stage++;
			}
			instructions.add(new Instruction(stage, keyword, (parts.length > 1) ? parts[1].strip() : ""));
		}
		return new DockerfileModel(instructions);
	}

	int lastStage() {
		return this.instructions.get(this.instructions.size() - 1).stage();
	}

	/** The arguments of every instruction with this keyword in this stage. */
	List<String> all(int stage, String keyword) {
		return this.instructions.stream()
			.filter((instruction) -> instruction.stage() == stage && instruction.keyword().equals(keyword))
			.map(Instruction::arguments)
			.toList();
	}

	/** The runtime stage's layer directories, in the order they are copied. */
	List<String> copiedLayers() {
		List<String> layers = new ArrayList<>();
		for (String copy : all(lastStage(), "COPY")) {
			Matcher layer = LAYER_COPY.matcher(copy);
			if (layer.matches()) {
				layers.add(layer.group(1));
			}
		}
		return layers;
	}

	/** The runtime stage's ENV values (quotes removed). */
	Map<String, String> runtimeEnv() {
		Map<String, String> env = new LinkedHashMap<>();
		for (String line : all(lastStage(), "ENV")) {
			Matcher pair = ENV_PAIR.matcher(line);
			while (pair.find()) {
				env.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
			}
		}
		return env;
	}

	/** ARG defaults: {@code ARG NAME=value} of the given stage. */
	Map<String, String> argDefaults(int stage) {
		Map<String, String> args = new LinkedHashMap<>();
		for (String arg : all(stage, "ARG")) {
			String[] pair = arg.split("=", 2);
			args.put(pair[0], (pair.length > 1) ? pair[1] : "");
		}
		return args;
	}

	record Instruction(int stage, String keyword, String arguments) {
	}

}
