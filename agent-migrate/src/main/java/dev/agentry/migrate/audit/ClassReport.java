package dev.agentry.migrate.audit;

import java.nio.file.Path;
import java.util.List;

/**
 * The audit of one class.
 *
 * @param className the class's name, nested classes as {@code Outer.Inner}
 * @param file its source file
 * @param line the line of its declaration
 * @param findings its findings, by line
 * @param score the sum of the findings' weights
 * @param level the level of that score
 * @param agentCore whether it already runs on agent-core's API (@AgentAction, AgentWorker, AgentClient)
 */
public record ClassReport(String className, Path file, int line, List<Finding> findings, int score, Level level,
		boolean agentCore) {
}
