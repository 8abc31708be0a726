package dev.agentry.core.endpoint;

import dev.agentry.core.wire.AgentException;

/**
 * Handles one action; runs on the endpoint's handler pool, or on its socket thread when
 * registered inline (see {@link AgentAction#inline()}).
 */
@FunctionalInterface
public interface ActionHandler {

	/**
	 * @return the reply's fields (see {@link AgentAction}), or {@code null} for none
	 * @throws AgentException to answer with a protocol error; anything else is answered {@code internal}
	 */
	Object handle(ActionRequest request) throws Exception;

}
