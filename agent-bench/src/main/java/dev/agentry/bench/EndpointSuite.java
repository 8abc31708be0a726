package dev.agentry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.agentry.test.AgentProcess;

/**
 * An agent-core endpoint with a trivial JSON handler against a raw JeroMQ ROUTER echo: the
 * same 100-byte requests from the same clients, measured in alternation in every round. The
 * handler runs twice over: inline (on the socket thread, as a handler that never blocks
 * should) and on the handler pool (as one that may block must).
 */
final class EndpointSuite {

	static final int WINDOW = 100;

	private static final Duration WARM_UP = Duration.ofSeconds(1);

	/** The fixed offered load at which CPU time and polls per request are measured. */
	static final int PACED_RATE = 5_000;

	private static final int PACED_CLIENTS = 4;

	private final Servers servers;

	private final BenchOptions options;

	private final Consumer<String> progress;

	EndpointSuite(Servers servers, BenchOptions options, Consumer<String> progress) {
		this.servers = servers;
		this.options = options;
		this.progress = progress;
	}

	List<Comparison> run() throws InterruptedException {
		Figures inline = new Figures();
		Figures pool = new Figures();
		Figures raw = new Figures();
		try (AgentProcess inlineAgent = this.servers.agent().start();
				AgentProcess poolAgent = this.servers.agent().property("bench.pool-echo", "true").start();
				Servers.RawServer rawServer = this.servers.raw()) {
			inlineAgent.awaitReady(Servers.READY_TIMEOUT);
			poolAgent.awaitReady(Servers.READY_TIMEOUT);
			// Untimed: the JVMs compile their hot paths before anything counts.
			this.progress.accept("endpoint warm-up");
			warmUp(inlineAgent.endpoint());
			warmUp(poolAgent.endpoint());
			warmUp(rawServer.endpoint());
			for (int round = 1; round <= this.options.rounds(); round++) {
				this.progress.accept("endpoint round " + round + "/" + this.options.rounds());
				measure(inlineAgent.endpoint(), inline);
				measure(poolAgent.endpoint(), pool);
				measure(rawServer.endpoint(), raw);
				paced(inlineAgent.endpoint(), inlineAgent, inline);
				paced(poolAgent.endpoint(), poolAgent, pool);
				paced(rawServer.endpoint(), rawServer.process(), raw);
			}
			// A graceful stop, so that a flight recording asked for by --agent-jvm-options is written.
			for (AgentProcess agent : List.of(inlineAgent, poolAgent)) {
				agent.sigterm();
				agent.waitFor(Duration.ofSeconds(60));
			}
		}
		String base = "raw JeroMQ ROUTER echo";
		List<Comparison> comparisons = new ArrayList<>();
		for (Variant variant : List.of(new Variant("inline handler", inline), new Variant("pool handler", pool))) {
			Figures agent = variant.figures();
			String name = ", " + variant.name();
			// The targets: on the pool at least half of raw JeroMQ, inline 0.7; p50 within 1.2x.
			double throughputTarget = (agent == inline) ? 0.7 : 0.5;
			comparisons.add(new Comparison("endpoint throughput, 1 client x " + WINDOW + " in flight" + name,
					"replies/s", Samples.of(agent.oneClient), Samples.of(raw.oneClient), base, throughputTarget, true));
			comparisons.add(new Comparison("endpoint throughput, 4 clients x " + WINDOW + " in flight" + name,
					"replies/s", Samples.of(agent.fourClients), Samples.of(raw.fourClients), base, throughputTarget,
					true));
			comparisons.add(new Comparison("REQ/REP round trip p50" + name, "µs", Samples.of(agent.p50),
					Samples.of(raw.p50), base, 1.2, false));
			comparisons.add(new Comparison("REQ/REP round trip p99" + name, "µs", Samples.of(agent.p99),
					Samples.of(raw.p99), base, null, false));
			comparisons.add(new Comparison("REQ/REP round trip p99.9" + name, "µs", Samples.of(agent.p999),
					Samples.of(raw.p999), base, null, false));
			String paced = " at " + PACED_RATE + " requests/s offered" + name;
			comparisons.add(new Comparison("process CPU time per request" + paced, "µs", Samples.of(agent.cpu),
					Samples.of(raw.cpu), base, null, false));
			comparisons.add(new Comparison("socket-loop polls per request" + paced, "polls",
					Samples.of(agent.polls), null, null, null, false));
		}
		return comparisons;
	}

	private record Variant(String name, Figures figures) {
	}

	private static void warmUp(String endpoint) throws InterruptedException {
		byte[] request = EndpointLoad.echo("warm-up");
		EndpointLoad.throughput(endpoint, request, 4, WINDOW, Duration.ZERO, Duration.ofSeconds(3));
		EndpointLoad.latencies(endpoint, request, 0, 5000);
	}

	private void measure(String endpoint, Figures figures) throws InterruptedException {
		byte[] request = EndpointLoad.echo("bench");
		figures.oneClient.add(EndpointLoad.throughput(endpoint, request, 1, WINDOW, WARM_UP, this.options.measure()));
		figures.fourClients.add(EndpointLoad.throughput(endpoint, request, 4, WINDOW, WARM_UP, this.options.measure()));
		long[] nanos = EndpointLoad.latencies(endpoint, request, Math.min(2000, this.options.latencyRequests()),
				this.options.latencyRequests());
		figures.p50.add(Samples.percentile(nanos, 0.50) / 1000);
		figures.p99.add(Samples.percentile(nanos, 0.99) / 1000);
		figures.p999.add(Samples.percentile(nanos, 0.999) / 1000);
	}

	/**
	 * CPU time per request of the serving process at a fixed offered load, and for the agent
	 * its socket loops' polls per request (the raw echo blocks in {@code recv}: none to count).
	 */
	private void paced(String endpoint, AgentProcess process, Figures figures) throws InterruptedException {
		byte[] request = EndpointLoad.echo("paced");
		boolean agent = process.name().startsWith("bench-agent");
		long polls = agent ? polls(process) : 0;
		long cpu = CpuTime.nanos(process.pid());
		long replies = EndpointLoad.paced(endpoint, request, PACED_CLIENTS, PACED_RATE, this.options.measure());
		figures.cpu.add(CpuTime.microsPerRequest(process.pid(), cpu, replies));
		if (agent) {
			figures.polls.add((double) (polls(process) - polls) / replies);
		}
	}

	static long polls(AgentProcess agent) {
		return Long.parseLong(agent.httpBody("/bench/polls").trim());
	}

	/** One side's measurements, a value per round each. */
	private static final class Figures {

		final List<Double> oneClient = new ArrayList<>();

		final List<Double> fourClients = new ArrayList<>();

		final List<Double> p50 = new ArrayList<>();

		final List<Double> p99 = new ArrayList<>();

		final List<Double> p999 = new ArrayList<>();

		final List<Double> cpu = new ArrayList<>();

		final List<Double> polls = new ArrayList<>();

	}

}
