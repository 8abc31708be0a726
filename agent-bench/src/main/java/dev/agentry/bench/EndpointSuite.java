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
			comparisons.add(new Comparison("endpoint throughput, 1 client x " + WINDOW + " in flight" + name,
					"replies/s", Samples.of(agent.oneClient), Samples.of(raw.oneClient), base, 0.5, true));
			comparisons.add(new Comparison("endpoint throughput, 4 clients x " + WINDOW + " in flight" + name,
					"replies/s", Samples.of(agent.fourClients), Samples.of(raw.fourClients), base, 0.5, true));
			comparisons.add(new Comparison("REQ/REP round trip p50" + name, "µs", Samples.of(agent.p50),
					Samples.of(raw.p50), base, 1.3, false));
			comparisons.add(new Comparison("REQ/REP round trip p99" + name, "µs", Samples.of(agent.p99),
					Samples.of(raw.p99), base, null, false));
			comparisons.add(new Comparison("REQ/REP round trip p99.9" + name, "µs", Samples.of(agent.p999),
					Samples.of(raw.p999), base, null, false));
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

	/** One side's measurements, a value per round each. */
	private static final class Figures {

		final List<Double> oneClient = new ArrayList<>();

		final List<Double> fourClients = new ArrayList<>();

		final List<Double> p50 = new ArrayList<>();

		final List<Double> p99 = new ArrayList<>();

		final List<Double> p999 = new ArrayList<>();

	}

}
