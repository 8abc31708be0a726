package dev.agentry.core;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper of the wire protocol: the application's own {@link JsonMapper} (its
 * modules and naming), made strict about what a request is (trailing garbage is not JSON)
 * and lenient about fields that a handler does not bind.
 */
public final class AgentJson {

	private final ObjectMapper mapper;

	public AgentJson(JsonMapper base) {
		this.mapper = base.rebuild()
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();
	}

	public ObjectMapper mapper() {
		return this.mapper;
	}

}
