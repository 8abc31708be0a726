package dev.agentry.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.agentry.test.AgentLauncher;
import dev.agentry.test.AgentProcess;
import dev.agentry.test.ZmqTestClient;

/**
 * SIGTERM to exit, for the agent and for the plain Spring Boot app: idle, and with requests
 * in flight, where what counts is the time from the last reply to the exit (the stop's own
 * cost beyond the work it waited for).
 */
final class ShutdownSuite {

	static final int INFLIGHT = 4;

	static final long SLOW_MILLIS = 1000;

	private final Servers servers;

	private final BenchOptions options;

	private final Consumer<String> progress;

	ShutdownSuite(Servers servers, BenchOptions options, Consumer<String> progress) {
		this.servers = servers;
		this.options = options;
		this.progress = progress;
	}

	List<Comparison> run() throws Exception {
		List<Double> agentIdle = new ArrayList<>();
		List<Double> plainIdle = new ArrayList<>();
		List<Double> agentBusy = new ArrayList<>();
		List<Double> plainBusy = new ArrayList<>();
		for (int round = 1; round <= this.options.rounds(); round++) {
			this.progress.accept("shutdown round " + round + "/" + this.options.rounds());
			agentIdle.add(idle(this.servers.agent()));
			plainIdle.add(idle(this.servers.baseline()));
			agentBusy.add(agentWithInflight());
			plainBusy.add(plainWithInflight());
		}
		String base = "plain Spring Boot app (same starters, no agent-core)";
		return List.of(
				new Comparison("idle shutdown, SIGTERM to exit", "ms", Samples.of(agentIdle), Samples.of(plainIdle),
						base, 1.3, false),
				new Comparison("shutdown with " + INFLIGHT + " requests in flight, last reply to exit", "ms",
						Samples.of(agentBusy), Samples.of(plainBusy), base + ", HTTP requests in flight", null, false));
	}

	private static double idle(AgentLauncher launcher) {
		try (AgentProcess process = launcher.start().awaitReady(Servers.READY_TIMEOUT)) {
			pause(500);
			long signal = System.nanoTime();
			process.sigterm();
			return millis(exitAfter(process) - signal);
		}
	}

	private double agentWithInflight() {
		try (AgentProcess process = this.servers.agent().start().awaitReady(Servers.READY_TIMEOUT);
				ZmqTestClient client = ZmqTestClient.dealer(process.endpoint(), 30_000)) {
			for (int i = 0; i < INFLIGHT; i++) {
				client.send("{\"action\":\"slow\",\"millis\":" + SLOW_MILLIS + "}");
			}
			pause(200);
			process.sigterm();
			for (int i = 0; i < INFLIGHT; i++) {
				if (client.receive() == null) {
					throw new IllegalStateException("an in-flight request was not answered; see " + process.logFile());
				}
			}
			long lastReply = System.nanoTime();
			return millis(exitAfter(process) - lastReply);
		}
	}

	private double plainWithInflight() {
		HttpClient http = HttpClient.newHttpClient();
		try (AgentProcess process = this.servers.baseline().start().awaitReady(Servers.READY_TIMEOUT)) {
			URI slow = URI.create("http://127.0.0.1:" + process.ports().http() + "/slow?millis=" + SLOW_MILLIS);
			List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
			for (int i = 0; i < INFLIGHT; i++) {
				replies.add(http.sendAsync(HttpRequest.newBuilder(slow).timeout(Duration.ofSeconds(30)).build(),
						HttpResponse.BodyHandlers.ofString()));
			}
			pause(200);
			process.sigterm();
			for (CompletableFuture<HttpResponse<String>> reply : replies) {
				if (reply.join().statusCode() != 200) {
					throw new IllegalStateException("an in-flight HTTP request failed; see " + process.logFile());
				}
			}
			long lastReply = System.nanoTime();
			return millis(exitAfter(process) - lastReply);
		}
	}

	/** The {@link System#nanoTime()} at which the process had exited. */
	static long exitAfter(AgentProcess process) {
		if (!process.waitFor(Duration.ofSeconds(60))) {
			throw new IllegalStateException(process.name() + " did not exit within 60 s; see " + process.logFile());
		}
		return System.nanoTime();
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

}
