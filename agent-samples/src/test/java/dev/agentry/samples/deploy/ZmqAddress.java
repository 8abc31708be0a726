package dev.agentry.samples.deploy;

/**
 * A ZeroMQ TCP address, {@code tcp://host:port}, where the host may be {@code *} for a bind; or the
 * host and port of a DNS source.
 */
record ZmqAddress(String host, int port) {

	static ZmqAddress parse(String address) {
		if (address == null || !address.startsWith("tcp://") || address.lastIndexOf(':') < "tcp://".length()) {
			throw new IllegalArgumentException("Not a tcp://host:port address: " + address);
		}
		int colon = address.lastIndexOf(':');
		return new ZmqAddress(address.substring("tcp://".length(), colon),
				Integer.parseInt(address.substring(colon + 1)));
	}

	/**
	 * A client's DNS source, {@code dns:///host:port}: every address that {@code host} resolves
	 * to, at {@code port}.
	 */
	static ZmqAddress parseDnsSource(String source) {
		String scheme = "dns:///";
		if (source == null || !source.startsWith(scheme) || source.lastIndexOf(':') < scheme.length()) {
			throw new IllegalArgumentException("Not a dns:///host:port source: " + source);
		}
		int colon = source.lastIndexOf(':');
		return new ZmqAddress(source.substring(scheme.length(), colon), Integer.parseInt(source.substring(colon + 1)));
	}

}
