package dev.agentry.core.client;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@code dns:///host:port}: every A/AAAA record of {@code host} is one endpoint, as gRPC's
 * {@code dns:///} resolver reads a Kubernetes headless Service, whose DNS answers with the
 * addresses of ready pods only. The name is resolved again every refresh interval on this
 * source's own thread, never on a client's socket thread. Freshness is also bounded by the
 * JVM's cache of successful look-ups ({@code networkaddress.cache.ttl}, or the system property
 * {@code sun.net.inetaddr.ttl}; 30 s by default), which agents that use DNS sources should set
 * short. A failed look-up keeps the last answer: a DNS hiccup must not empty the list.
 */
final class DnsEndpointSource implements EndpointSource {

	private static final Log logger = LogFactory.getLog(DnsEndpointSource.class);

	private final Target target;

	private final String publicKey;

	private final Refresher refresher;

	private volatile List<String> endpoints = List.of();

	private boolean failing;

	DnsEndpointSource(Target target, String publicKey, Duration refresh) {
		this.target = target;
		this.publicKey = publicKey;
		this.refresher = new Refresher("agent-dns-" + target.host(), refresh, this::refresh);
	}

	@Override
	public List<String> endpoints() {
		return this.endpoints;
	}

	@Override
	public String publicKey(String endpoint) {
		return this.publicKey;
	}

	@Override
	public void close() {
		this.refresher.close();
	}

	void refresh() {
		try {
			List<String> resolved = Arrays.stream(InetAddress.getAllByName(this.target.host()))
				.map(this::endpoint)
				.distinct()
				.sorted()
				.toList();
			if (this.failing) {
				this.failing = false;
				logger.info(this + " resolves again");
			}
			if (!resolved.equals(this.endpoints)) {
				logger.info("Endpoints of " + this + ": " + resolved);
				this.endpoints = resolved;
			}
		}
		catch (UnknownHostException | RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn(this + " does not resolve (" + ex.getMessage() + "); keeping its last "
						+ this.endpoints.size() + " endpoint(s) until it does");
			}
		}
	}

	private String endpoint(InetAddress address) {
		String host = (address instanceof Inet6Address) ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
		return "tcp://" + host + ":" + this.target.port();
	}

	@Override
	public String toString() {
		return "dns:///" + this.target.host() + ":" + this.target.port();
	}

	/** The host and port of {@code dns:///host:port}. */
	record Target(String host, int port) {

		private static final Pattern FORM = Pattern.compile("dns:///(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");

		static Target parse(String uri) {
			Matcher matcher = FORM.matcher((uri != null) ? uri.trim() : "");
			if (!matcher.matches()) {
				throw new IllegalArgumentException("'" + uri + "' is not dns:///host:port (no DNS server may be named: "
						+ "the JVM's resolver answers)");
			}
			int port = Integer.parseInt(matcher.group(2));
			if (port < 1 || port > 65535) {
				throw new IllegalArgumentException("'" + uri + "': the port must be 1-65535");
			}
			String host = matcher.group(1);
			return new Target(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
		}

	}

}
