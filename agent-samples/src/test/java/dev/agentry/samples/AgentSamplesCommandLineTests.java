package dev.agentry.samples;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples jar's command line: commands, pass-through Spring properties, usage errors. */
class AgentSamplesCommandLineTests {

	private final StringWriter err = new StringWriter();

	private final StringWriter out = new StringWriter();

	@Test
	void agentCommandPassesEveryPropertyThroughToSpring() {
		CommandLine commandLine = AgentSamples.commandLine();

		CommandLine.ParseResult parsed = commandLine
			.parseArgs("model-worker", "--server.port=9000", "--agent.endpoint.bind=tcp://127.0.0.1:6000", "--x=@y");

		AgentSamples.AgentCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
		assertThat(command.properties).containsExactly("--server.port=9000",
				"--agent.endpoint.bind=tcp://127.0.0.1:6000", "--x=@y");
	}

	@Test
	void ownParsersGetEveryArgumentAfterTheirName() {
		CommandLine.ParseResult parsed = AgentSamples.commandLine()
			.parseArgs("keygen", "--name=a", "--services=x,y", "--dir=keys", "--force");

		AgentSamples.PassThrough command = parsed.subcommand().commandSpec().commandLine().getCommand();
		assertThat(command.args).containsExactly("--name=a", "--services=x,y", "--dir=keys", "--force");
	}

	@Test
	void unknownCommandIsAUsageErrorThatSaysSo() {
		assertThat(execute("model-wroker")).isEqualTo(2);
		assertThat(this.err.toString()).contains("model-wroker")
			.contains("Usage: java -jar agent-samples.jar <command> [--property=value ...]");
	}

	@Test
	void helpListsEveryCommand() {
		assertThat(execute("--help")).isZero();
		assertThat(this.out.toString()).contains("service-registry", "model-worker", "request-coordinator",
				"streaming-interrupt-handler", "observability-hub", "demo", "verify-shutdown", "keygen");
	}

	@Test
	void agentHelpTellsThatArgumentsAreSpringProperties() {
		assertThat(execute("model-worker", "--help")).isZero();
		assertThat(this.out.toString()).contains("Spring property").contains("model-worker [--property=value ...]");
	}

	@Test
	void demoHelpIsTheDemosOwn() {
		assertThat(execute("demo", "--help")).isZero();
	}

	private int execute(String... args) {
		CommandLine commandLine = AgentSamples.commandLine();
		commandLine.setOut(new PrintWriter(this.out, true));
		commandLine.setErr(new PrintWriter(this.err, true));
		return commandLine.execute(args);
	}

}
