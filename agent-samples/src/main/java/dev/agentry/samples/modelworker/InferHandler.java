package dev.agentry.samples.modelworker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.agentry.core.AgentStatus;
import dev.agentry.core.endpoint.ActionRequest;
import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;

import org.springframework.stereotype.Component;

/** {@code infer {text}} → {@code {result: {tokens, sentiment, digest}, instance}}. */
@Component
class InferHandler {

	private static final Set<String> POSITIVE = Set.of("good", "great", "excellent", "happy", "love", "fine", "nice");

	private static final Set<String> NEGATIVE = Set.of("bad", "terrible", "awful", "sad", "hate", "poor", "broken");

	private static final Duration SLICE = Duration.ofMillis(5);

	private final ModelWorkerProperties properties;

	private final AgentStatus status;

	InferHandler(ModelWorkerProperties properties, AgentStatus status) {
		this.properties = properties;
		this.status = status;
	}

	record Infer(String text) {
	}

	@AgentAction("infer")
	Map<String, Object> infer(Infer infer, ActionRequest request) throws InterruptedException {
		if (infer.text() == null) {
			throw new AgentException(AgentError.BAD_REQUEST, "field 'text' is required");
		}
		work(request);
		return Map.of("result", analyse(infer.text()), "instance", this.status.instance());
	}

	/** The model's service time, in slices so that a cancelled request stops at once. */
	private void work(ActionRequest request) throws InterruptedException {
		long end = System.nanoTime() + this.properties.latency().toNanos();
		while (System.nanoTime() - end < 0) {
			if (request.isCancelled()) {
				// isCancelled() is also true past the deadline: that is a timeout, which a client
				// may retry elsewhere, not a cancellation.
				throw request.remaining().isZero()
						? new AgentException(AgentError.TIMEOUT, "the request ran past its deadline")
						: new AgentException(AgentError.CANCELLED, "the request was cancelled");
			}
			Thread.sleep(Math.max(0, Math.min(SLICE.toMillis(), (end - System.nanoTime()) / 1_000_000)));
		}
	}

	static Map<String, Object> analyse(String text) {
		String[] tokens = text.isBlank() ? new String[0] : text.trim().split("\\s+");
		int score = 0;
		for (String token : tokens) {
			String word = token.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}]", "");
			score += POSITIVE.contains(word) ? 1 : NEGATIVE.contains(word) ? -1 : 0;
		}
		String sentiment = (score > 0) ? "positive" : (score < 0) ? "negative" : "neutral";
		return Map.of("tokens", tokens.length, "sentiment", sentiment, "digest", digest(text));
	}

	private static String digest(String text) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
