package dev.agentry.samples.deploy;

/** A ZeroMQ TCP address, {@code tcp://host:port}, where the host may be {@code *} for a bind. */
record ZmqAddress(String host, int port) {

	static ZmqAddress parse(String address) {
		if (address == null || !address.startsWith("tcp://") || address.lastIndexOf(':') < "tcp://".length()) {
			throw new IllegalArgumentException("Not a tcp://host:port address: " + address);
		}
		int colon = address.lastIndexOf(':');
		return new ZmqAddress(address.substring("tcp://".length(), colon),
				Integer.parseInt(address.substring(colon + 1)));
	}

}
