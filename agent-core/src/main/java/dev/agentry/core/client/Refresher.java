package dev.agentry.core.client;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The thread that refreshes an endpoint source: at once, then every interval, never on a
 * client's socket thread. Daemon: a look-up stuck in a slow resolver or registry must not hold
 * the JVM's exit.
 */
final class Refresher implements AutoCloseable {

	private static final long SHORTEST_MILLIS = 100;

	private final ScheduledExecutorService executor;

	Refresher(String name, Duration interval, Runnable refresh) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(name + "-");
		threads.setDaemon(true);
		this.executor = Executors.newSingleThreadScheduledExecutor(threads);
		this.executor.scheduleWithFixedDelay(refresh, 0, Math.max(SHORTEST_MILLIS, interval.toMillis()),
				TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
