package dev.agentry.core.endpoint;

import java.util.function.Function;

/** What parsing a request's bytes came to: a request to run, or the reply that refuses it. */
sealed interface Parsed permits Parsed.Valid, Parsed.Refused {

	/** The reply: what {@code run} makes of a valid request, or the refusal. */
	RequestDispatcher.Result answer(Function<ActionRequest, RequestDispatcher.Result> run);

	/** A request that keeps the protocol's promises, for its action to answer. */
	record Valid(ActionRequest request) implements Parsed {

		@Override
		public RequestDispatcher.Result answer(Function<ActionRequest, RequestDispatcher.Result> run) {
			return run.apply(this.request);
		}

	}

	/** A request that can go no further: this reply answers it. */
	record Refused(RequestDispatcher.Result refusal) implements Parsed {

		@Override
		public RequestDispatcher.Result answer(Function<ActionRequest, RequestDispatcher.Result> run) {
			return this.refusal;
		}

	}

}
