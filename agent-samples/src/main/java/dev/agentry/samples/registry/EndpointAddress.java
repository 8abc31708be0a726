package dev.agentry.samples.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a registered endpoint is an address that peers can connect to: {@code tcp://host:port},
 * the host a DNS name, an IPv4 address or a bracketed IPv6 address, the port 1-65535. The
 * registry hands these to every client, which connects to them: anything else (another
 * transport, a bind wildcard, a host with a path or spaces) would only make clients fail.
 */
final class EndpointAddress {

	private static final Pattern TCP = Pattern.compile("tcp://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");

	/** A DNS label: letters, digits, hyphens inside (underscores too, as container names have them). */
	private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

	private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");

	private EndpointAddress() {
	}

	static boolean isValid(String endpoint) {
		Matcher matcher = TCP.matcher(endpoint);
		if (!matcher.matches()) {
			return false;
		}
		int port = Integer.parseInt(matcher.group(2));
		return port >= 1 && port <= 65535 && isHost(matcher.group(1));
	}

	private static boolean isHost(String host) {
		if (host.startsWith("[")) {
			return isIpv6(host);
		}
		if (NUMERIC.matcher(host).matches()) {
			// All digits and dots: only an IPv4 address, never a name.
			return isIpv4(host);
		}
		if (host.length() > 253) {
			return false;
		}
		for (String label : host.split("\\.", -1)) {
			if (!LABEL.matcher(label).matches()) {
				return false;
			}
		}
		return true;
	}

	private static boolean isIpv4(String host) {
		String[] parts = host.split("\\.", -1);
		if (parts.length != 4) {
			return false;
		}
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
				return false;
			}
		}
		return true;
	}

	private static boolean isIpv6(String bracketed) {
		if (bracketed.indexOf(':') < 0) {
			return false;
		}
		try {
			// A bracketed literal is parsed, never looked up: an invalid one throws at once.
			return InetAddress.getByName(bracketed) != null;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
