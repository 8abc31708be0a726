package dev.agentry.test;

/**
 * Load to keep on an agent's endpoint while it stops: {@code clients} DEALER connections,
 * each with up to {@code inflight} requests outstanding. Every request is the JSON object
 * {@code template} with a unique {@code "id"}, so that each reply is matched to its request.
 *
 * @param template a JSON object, e.g. {@code {"action":"infer","text":"hello"}}
 * @param clients connections, each on its own thread
 * @param inflight requests outstanding per connection
 */
public record Load(String template, int clients, int inflight) {

	public Load {
		if (clients < 1 || inflight < 1) {
			throw new IllegalArgumentException("clients and inflight must be at least 1");
		}
	}

	/** Two connections with four requests each in flight. */
	public static Load of(String template) {
		return new Load(template, 2, 4);
	}

}
