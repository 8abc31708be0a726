package dev.agentry.core.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class CallTests {

	private final ObjectNode request = JsonMapper.builder().build().createObjectNode().put("action", "echo");

	@Test
	void movesOnThroughItsEndpointsInOrderAndForgetsTheConnectionOfTheLastAttempt() {
		Call call = new Call(this.request, new byte[0], List.of("a", "b"), Duration.ofSeconds(1),
				new CompletableFuture<>());
		assertThat(call.target()).isEqualTo("a");
		assertThat(call.remainingTargets()).containsExactly("a", "b");
		call.sentOn(new Link("a", BackOffWait.first(new RetryPolicy().reconnectBackOff())));
		call.moveOn();
		assertThat(call.target()).isEqualTo("b");
		assertThat(call.remainingTargets()).containsExactly("b");
		assertThat(call.hasNext()).isFalse();
		assertThat(call.sentOn()).isNull();
		assertThatIllegalStateException().isThrownBy(call::moveOn);
	}

	@Test
	void needsAnEndpoint() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> new Call(this.request, new byte[0], List.of(), Duration.ofSeconds(1), new CompletableFuture<>()));
	}

	@Test
	void answersOffTheCallingThread() {
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		Call call = new Call(this.request, new byte[0], List.of("a"), Duration.ofSeconds(1), reply);
		Thread caller = Thread.currentThread();
		CompletableFuture<Thread> continuedOn = reply.thenApply((answer) -> Thread.currentThread());
		call.answer(this.request);
		await().atMost(Duration.ofSeconds(30)).until(continuedOn::isDone);
		assertThat(continuedOn.join()).isNotSameAs(caller);
		assertThat(reply.join()).isSameAs(this.request);
	}

}
