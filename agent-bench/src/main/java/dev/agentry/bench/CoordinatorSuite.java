package dev.agentry.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import tools.jackson.databind.JsonNode;

/**
 * The sample system's request path, client → request-coordinator → model-worker (latency 0)
 * → back, against the same request sent to the model-worker directly: what the second hop
 * (registry lookup, agent client, retry bookkeeping) costs.
 */
final class CoordinatorSuite {

	/** Four clients, two requests in flight each: the coordinator's eight handler threads busy. */
	private static final int CLIENTS = 4;

	private static final int WINDOW = 2;

	/** The fixed offered load at which CPU time per request is measured. */
	static final int PACED_RATE = 1_000;

	private static final String INFER = "{\"action\":\"infer\",\"text\":\"a happy little benchmark\"}";

	private final Servers servers;

	private final BenchOptions options;

	private final Consumer<String> progress;

	CoordinatorSuite(Servers servers, BenchOptions options, Consumer<String> progress) {
		this.servers = servers;
		this.options = options;
		this.progress = progress;
	}

	List<Comparison> run() throws InterruptedException {
		List<Double> viaThroughput = new ArrayList<>();
		List<Double> directThroughput = new ArrayList<>();
		List<Double> viaP99 = new ArrayList<>();
		List<Double> directP99 = new ArrayList<>();
		List<Double> viaCpu = new ArrayList<>();
		List<Double> directCpu = new ArrayList<>();
		List<Double> viaWorkerCpu = new ArrayList<>();
		byte[] request = INFER.getBytes(StandardCharsets.UTF_8);
		try (AgentProcess registry = this.servers.sample("service-registry").start().awaitReady(Servers.READY_TIMEOUT);
				AgentProcess worker = registered(this.servers.sample("model-worker"), registry)
					.property("model-worker.latency", "0ms")
					.start();
				AgentProcess coordinator = registered(this.servers.sample("request-coordinator"), registry).start()) {
			worker.awaitReady(Servers.READY_TIMEOUT);
			coordinator.awaitReady(Servers.READY_TIMEOUT);
			awaitServing(coordinator);
			Duration warmUp = Duration.ofSeconds(1);
			for (int round = 1; round <= this.options.rounds(); round++) {
				this.progress.accept("coordinator round " + round + "/" + this.options.rounds());
				viaThroughput.add(EndpointLoad.throughput(coordinator.endpoint(), request, CLIENTS, WINDOW, warmUp,
						this.options.measure()));
				directThroughput.add(EndpointLoad.throughput(worker.endpoint(), request, CLIENTS, WINDOW, warmUp,
						this.options.measure()));
				int count = this.options.latencyRequests() / 4;
				viaP99.add(Samples.percentile(EndpointLoad.latencies(coordinator.endpoint(), request, 200, count), 0.99)
						/ 1000);
				directP99.add(
						Samples.percentile(EndpointLoad.latencies(worker.endpoint(), request, 200, count), 0.99) / 1000);
				// CPU per request at the same fixed load: the coordinator's own, then the worker's
				// when called directly (the target compares these two).
				long coordinatorCpu = CpuTime.nanos(coordinator.pid());
				long workerCpu = CpuTime.nanos(worker.pid());
				long replies = EndpointLoad.paced(coordinator.endpoint(), request, CLIENTS, PACED_RATE,
						this.options.measure());
				viaCpu.add(CpuTime.microsPerRequest(coordinator.pid(), coordinatorCpu, replies));
				viaWorkerCpu.add(CpuTime.microsPerRequest(worker.pid(), workerCpu, replies));
				workerCpu = CpuTime.nanos(worker.pid());
				replies = EndpointLoad.paced(worker.endpoint(), request, CLIENTS, PACED_RATE, this.options.measure());
				directCpu.add(CpuTime.microsPerRequest(worker.pid(), workerCpu, replies));
			}
		}
		String base = "model-worker called directly";
		String paced = " at " + PACED_RATE + " requests/s offered";
		// The targets: half the worker's throughput at the same concurrency, p99 within
		// 2x, and the coordinator's CPU per request within 2x the worker's.
		return List.of(
				new Comparison("coordinator path throughput, " + CLIENTS + " clients x " + WINDOW + " in flight",
						"requests/s", Samples.of(viaThroughput), Samples.of(directThroughput), base, 0.5, true),
				new Comparison("coordinator path REQ/REP round trip p99", "µs", Samples.of(viaP99),
						Samples.of(directP99), base, 2.0, false),
				new Comparison("coordinator process CPU time per request" + paced, "µs", Samples.of(viaCpu),
						Samples.of(directCpu), base, 2.0, false),
				new Comparison("model-worker process CPU time per request behind the coordinator" + paced, "µs",
						Samples.of(viaWorkerCpu), Samples.of(directCpu), base, null, false));
	}

	private static AgentLauncher registered(AgentLauncher launcher,
			AgentProcess registry) {
		return launcher.property("agent.registry.endpoint", registry.endpoint())
			.property("agent.registry.heartbeat-interval", "500ms");
	}

	/** Until the coordinator has learnt its worker from the registry and answers ok. */
	private static void awaitServing(AgentProcess coordinator) throws InterruptedException {
		long deadline = System.nanoTime() + Servers.READY_TIMEOUT.toNanos();
		while (System.nanoTime() - deadline < 0) {
			JsonNode reply = coordinator.call(INFER);
			if (reply != null && "ok".equals(reply.path("status").asString(""))) {
				return;
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("the coordinator never served a request; see " + coordinator.logFile());
	}

}
