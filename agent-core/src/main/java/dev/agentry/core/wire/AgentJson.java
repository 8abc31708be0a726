package dev.agentry.core.wire;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper of the wire protocol: the application's own {@link JsonMapper} (its
 * modules and naming), made strict about what a request is (trailing garbage is not JSON),
 * lenient about fields that a handler does not bind, and strict about the JSON types of
 * those it does.
 */
public final class AgentJson {

	private final ObjectMapper mapper;

	public AgentJson(JsonMapper base) {
		this.mapper = base.rebuild()
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			// A field of the wrong JSON type is a bad request, not something to guess at:
			// no "5" for a number, no 5 or true for a string.
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.withCoercionConfig(LogicalType.Textual,
					(textual) -> textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
						.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.build();
	}

	public ObjectMapper mapper() {
		return this.mapper;
	}

}
