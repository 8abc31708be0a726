package dev.agentry.core.endpoint;

import dev.agentry.core.wire.AgentException;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of one action. The method may take an
 * {@link ActionRequest}, the request as a {@code JsonNode}, and at most one other parameter,
 * bound from the request's JSON (a record, say); a field of the wrong type is answered
 * {@code bad_request}. What it returns becomes the reply's fields: a record, a map or a
 * {@code JsonNode} object, or {@code null}/{@code void} for none; anything else is sent as
 * {@code result}. Throw {@link AgentException} to answer with a protocol error.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface AgentAction {

	/** The action's name, as clients send it in {@code "action"}. */
	String value();

	/** The endpoint that serves it: {@code main} is {@code agent.endpoint}, others are {@code agent.endpoints.<name>}. */
	String endpoint() default RequestEndpoint.MAIN;

	/**
	 * Run the handler on the endpoint's socket thread instead of its handler pool: for
	 * handlers that never block (a lookup in memory, a computation of microseconds), it saves
	 * the two thread hand-overs per request that the pool costs. Such a handler holds up
	 * every other request of the endpoint while it runs, and its deadline cannot cut it
	 * short; one that takes longer than {@value RequestEndpoint#SLOW_INLINE_MILLIS} ms is
	 * logged (once per action). Default {@code false}: the pool.
	 */
	boolean inline() default false;

}
