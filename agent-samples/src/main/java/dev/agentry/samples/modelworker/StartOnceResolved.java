package dev.agentry.samples.modelworker;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.Lifecycle;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Starts a stream component that connects to a {@code tcp://host:port} URL only once the host
 * resolves. JeroMQ resolves the host inside {@code connect()} and throws when it does not
 * (libzmq would keep trying in the background), and spring-integration-zeromq's producer then
 * logs the error and never connects again. A peer's DNS name does not resolve for a moment
 * after its Service or container appears, so the name is looked up here first, on a thread of
 * this class's own, with a bounded back-off, until it resolves or the component is stopped.
 * That thread then starts the component, which creates its socket and hands it to the
 * component's own thread; it never uses a socket itself. The connect that follows finds the
 * name in the JVM's cache of successful look-ups ({@code networkaddress.cache.ttl}, 30 s by
 * default). Once connected, JeroMQ looks the name up again on every reconnect and survives
 * failures there.
 */
final class StartOnceResolved<T extends Lifecycle & DisposableBean> implements Lifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(StartOnceResolved.class);

	/**
	 * How often the name is looked up again: from 250 ms, because a new Service or container
	 * name usually resolves within a moment, doubling up to 5 s, for as long as it takes.
	 */
	private static final ExponentialBackOff RESOLVE_BACK_OFF = resolveBackOff();

	private final String name;

	private final String url;

	private final T component;

	private final Object lock = new Object();

	private boolean running;

	private boolean componentStarted;

	StartOnceResolved(String name, String url, T component) {
		this.name = name;
		this.url = url;
		this.component = component;
	}

	@Override
	public void start() {
		synchronized (this.lock) {
			if (this.running) {
				return;
			}
			this.running = true;
		}
		Thread waiter = new Thread(this::startOnceResolved, "stream-resolve-" + this.name);
		// Daemon: it only waits, and a look-up stuck in a slow resolver must not hold the exit.
		waiter.setDaemon(true);
		waiter.start();
	}

	/** Stops the wait, and the component if it has started; never waits for a look-up in progress. */
	@Override
	public void stop() {
		synchronized (this.lock) {
			this.running = false;
			this.lock.notifyAll();
			if (this.componentStarted) {
				this.component.stop();
			}
		}
	}

	/** True from start() on, also while the name does not resolve yet: nothing to start again. */
	@Override
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.running;
		}
	}

	/** Destroys the component if it ever started: one that never did holds no socket. */
	@Override
	public void destroy() throws Exception {
		stop();
		boolean started;
		synchronized (this.lock) {
			// Final now: stopped, the waiter starts nothing any more.
			started = this.componentStarted;
		}
		if (started) {
			this.component.destroy();
		}
	}

	private void startOnceResolved() {
		String host = hostOf(this.url);
		BackOffExecution retries = RESOLVE_BACK_OFF.start();
		boolean warned = false;
		while (true) {
			String failure = (host != null) ? lookUp(host) : null;
			synchronized (this.lock) {
				if (!this.running) {
					return;
				}
				if (failure == null) {
					this.component.start();
					this.componentStarted = true;
					if (warned) {
						logger.info("Stream '" + this.name + "': " + host + " resolves now; connecting to " + this.url);
					}
					return;
				}
				if (!warned) {
					warned = true;
					logger.warn("Stream '" + this.name + "' cannot connect to " + this.url + " (" + failure
							+ "); it connects once the name resolves");
				}
				try {
					this.lock.wait(retries.nextBackOff());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private static ExponentialBackOff resolveBackOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(250, 2);
		backOff.setMaxInterval(5000);
		return backOff;
	}

	/**
	 * The host of a {@code tcp://} URL as JeroMQ reads it (what comes before the last colon,
	 * without IPv6 brackets), or {@code null} for any other URL, which needs no look-up.
	 */
	static String hostOf(String url) {
		String prefix = "tcp://";
		int colon = url.lastIndexOf(':');
		if (!url.startsWith(prefix) || colon <= prefix.length()) {
			return null;
		}
		String host = url.substring(prefix.length(), colon);
		if (host.length() >= 2 && host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		return host;
	}

	/** Why the host does not resolve, or {@code null} when it does. */
	private static String lookUp(String host) {
		try {
			InetAddress.getAllByName(host);
			return null;
		}
		catch (UnknownHostException ex) {
			return ex.getMessage();
		}
	}

}
