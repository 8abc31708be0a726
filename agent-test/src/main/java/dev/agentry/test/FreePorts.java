package dev.agentry.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for agents started by tests and by the demo.
 * <p>
 * Never from the kernel's ephemeral range: a port that {@code bind(0)} hands out is free only
 * until an agent binds it, and in between any outgoing connection on the machine (an agent's
 * client, a JeroMQ reconnect) may take it as its local port, so that the agent then fails
 * with "Address already in use". Ports are drawn at random below (or above) the ephemeral
 * range that {@code /proc/sys/net/ipv4/ip_local_port_range} gives, checked free on loopback,
 * and never handed out twice by this JVM.
 */
public final class FreePorts {

	/** Linux's default ephemeral range, when the kernel does not say. */
	private static final int[] DEFAULT_EPHEMERAL = { 32768, 60999 };

	/** Below this are well-known services and other tools' habits. */
	private static final int LOWEST = 10000;

	private static final int[] RANGE = range(ephemeralRange());

	private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

	private FreePorts() {
	}

	public static int next() {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(RANGE[0], RANGE[1] + 1);
			if (isFree(port) && handedOut.add(port)) {
				return port;
			}
		}
		throw new IllegalStateException("No free loopback port in " + RANGE[0] + "-" + RANGE[1] + " after 1000 tries");
	}

	/** Whether a port can be bound on loopback right now. */
	public static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The ports to draw from: below the ephemeral range when there is room, else above it. */
	static int[] range(int[] ephemeral) {
		if (ephemeral[0] - 1 - LOWEST >= 2000) {
			return new int[] { LOWEST, ephemeral[0] - 1 };
		}
		if (65535 - ephemeral[1] >= 2000) {
			return new int[] { ephemeral[1] + 1, 65535 };
		}
		// No room outside it: the ephemeral range it is, with the old risk.
		return new int[] { Math.max(1024, ephemeral[0]), Math.min(65535, ephemeral[1]) };
	}

	private static int[] ephemeralRange() {
		try {
			String[] bounds = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
			return new int[] { Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1]) };
		}
		catch (IOException | RuntimeException ex) {
			return DEFAULT_EPHEMERAL;
		}
	}

}
