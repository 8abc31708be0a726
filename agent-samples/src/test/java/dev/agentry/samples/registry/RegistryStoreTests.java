package dev.agentry.samples.registry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.agentry.core.wire.AgentError;
import dev.agentry.core.wire.AgentException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The store's ownership and sweep rules, on a clock the test moves. */
class RegistryStoreTests {

	private static final Duration TTL = Duration.ofSeconds(10);

	private static final String KEY_A = "id:aa";

	private static final String KEY_B = "id:bb";

	private final AtomicLong clock = new AtomicLong(Duration.ofHours(1).toNanos());

	private final RegistryStore store = new RegistryStore(this.clock::get);

	@Test
	void anInstanceBelongsToTheIdentityThatRegisteredIt() {
		this.store.register("s", "i", "tcp://a:1", null, TTL, KEY_A, null);
		assertForbidden(() -> this.store.heartbeat("s", "i", KEY_B));
		assertForbidden(() -> this.store.deregister("s", "i", KEY_B));
		assertForbidden(() -> this.store.register("s", "i", "tcp://evil:1", null, TTL, KEY_B, null));
		assertForbidden(() -> this.store.heartbeat("s", "i", null));
		assertThat(this.store.lookup("s")).singleElement()
			.satisfies((entry) -> assertThat(entry.endpoint()).isEqualTo("tcp://a:1"));
		assertThat(this.store.heartbeat("s", "i", KEY_A)).isTrue();
		this.store.register("s", "i", "tcp://a:2", null, TTL, KEY_A, null);
		assertThat(this.store.lookup("s")).singleElement()
			.satisfies((entry) -> assertThat(entry.endpoint()).isEqualTo("tcp://a:2"));
		assertThat(this.store.deregister("s", "i", KEY_A)).isTrue();
		// Once gone, the name is free for anyone.
		this.store.register("s", "i", "tcp://b:1", null, TTL, KEY_B, null);
		assertThat(this.store.lookup("s")).singleElement()
			.satisfies((entry) -> assertThat(entry.owner()).isEqualTo(KEY_B));
	}

	@Test
	void anonymousPeersShareOneIdentityAsBeforeOwnership() {
		this.store.register("s", "i", "tcp://a:1", null, TTL);
		assertThat(this.store.heartbeat("s", "i")).isTrue();
		this.store.register("s", "i", "tcp://a:2", null, TTL);
		assertThat(this.store.deregister("s", "i")).isTrue();
		assertThat(this.store.heartbeat("s", "i")).isFalse();
		assertThat(this.store.deregister("s", "i", KEY_B)).as("unknown instances are not forbidden").isFalse();
	}

	@Test
	void aHijackerCannotTakeOverAnEntryThatLooksExpiredButIsStillHeld() {
		this.store.register("s", "i", "tcp://a:1", null, TTL, KEY_A, null);
		advance(TTL.plusSeconds(1));
		assertForbidden(() -> this.store.register("s", "i", "tcp://evil:1", null, TTL, KEY_B, null));
	}

	@Test
	void aSilentInstanceExpiresInTheFirstSweepAfterItsTtl() {
		register(4);
		this.store.expire();
		advance(TTL.minusSeconds(2));
		heartbeat(1, 2, 3);
		this.store.expire();
		advance(Duration.ofSeconds(3));
		this.store.expire();
		assertThat(this.store.lookup(null)).extracting(RegistryStore.Entry::instance)
			.containsExactlyInAnyOrder("i-1", "i-2", "i-3");
	}

	@Test
	void aLoneDeadInstanceExpiresAsUsual() {
		register(1);
		sweepEvery(Duration.ofMillis(250), TTL.plusSeconds(1));
		assertThat(this.store.lookup(null)).isEmpty();
	}

	@Test
	void twoOfTwoExpireAsUsual() {
		register(2);
		sweepEvery(Duration.ofMillis(250), TTL.plusSeconds(1));
		assertThat(this.store.lookup(null)).isEmpty();
	}

	@Test
	void aSweepAfterTheRegistryStalledExpiresNothingAndGivesEachAFullTtl() {
		register(2);
		this.store.expire();
		// Stopped for longer than the TTL: nobody's heartbeat could be heard.
		advance(TTL.multipliedBy(2));
		this.store.expire();
		assertThat(this.store.lookup(null)).hasSize(2);
		// Heartbeats refresh entries that look expired but were kept.
		heartbeat(0);
		sweepEvery(Duration.ofMillis(250), TTL.minusSeconds(1));
		assertThat(this.store.lookup(null)).as("within a TTL of the stall's end").hasSize(2);
		heartbeat(0);
		sweepEvery(Duration.ofMillis(250), Duration.ofSeconds(2));
		assertThat(this.store.lookup(null)).as("the one still silent a TTL after the stall is gone")
			.extracting(RegistryStore.Entry::instance)
			.containsExactly("i-0");
	}

	@Test
	void aSweepOnlyAFewSecondsLateStillExpires() {
		register(1);
		sweepEvery(Duration.ofMillis(250), TTL.minusSeconds(1));
		// Late by a little under half the TTL: no stall.
		advance(TTL.dividedBy(2).minusMillis(300));
		this.store.expire();
		assertThat(this.store.lookup(null)).isEmpty();
	}

	@Test
	void aMassExpiryWaitsOneMoreTtlAndThenTakesThoseStillSilent() {
		register(5);
		sweepEvery(Duration.ofMillis(250), TTL.plusSeconds(1));
		assertThat(this.store.lookup(null)).as("5 of 5 would go at once").hasSize(5);
		heartbeat(0, 1);
		sweepEvery(Duration.ofMillis(250), TTL.minusSeconds(2));
		assertThat(this.store.lookup(null)).as("3 of 5 would still go: more than half").hasSize(5);
		heartbeat(0, 1);
		sweepEvery(Duration.ofMillis(250), Duration.ofSeconds(3));
		assertThat(this.store.lookup(null)).as("after one more TTL").extracting(RegistryStore.Entry::instance)
			.containsExactlyInAnyOrder("i-0", "i-1");
	}

	@Test
	void whenTheSilentAreNoLongerMostTheyExpireAtOnce() {
		register(5);
		sweepEvery(Duration.ofMillis(250), TTL.plusSeconds(1));
		assertThat(this.store.lookup(null)).hasSize(5);
		heartbeat(0, 1, 2);
		this.store.expire();
		assertThat(this.store.lookup(null)).extracting(RegistryStore.Entry::instance)
			.containsExactlyInAnyOrder("i-0", "i-1", "i-2");
	}

	@Test
	void lookupListsEntriesThatLookExpiredUntilASweepRemovesThem() {
		register(1);
		advance(TTL.plusSeconds(1));
		assertThat(this.store.lookup(null)).hasSize(1);
		assertThat(this.store.heartbeat("s", "i-0", KEY_A)).isTrue();
		advance(TTL.minusSeconds(1));
		this.store.expire();
		assertThat(this.store.lookup(null)).hasSize(1);
	}

	private void register(int count) {
		for (int i = 0; i < count; i++) {
			this.store.register("s", "i-" + i, "tcp://a:" + (i + 1), null, TTL, KEY_A, null);
		}
	}

	private void heartbeat(int... instances) {
		for (int i : instances) {
			assertThat(this.store.heartbeat("s", "i-" + i, KEY_A)).isTrue();
		}
	}

	private void advance(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

	/** Sweeps on time, as the expiry worker does, for {@code total}. */
	private void sweepEvery(Duration interval, Duration total) {
		for (long passed = 0; passed < total.toNanos(); passed += interval.toNanos()) {
			advance(interval);
			this.store.expire();
		}
	}

	private static void assertForbidden(Runnable call) {
		assertThatExceptionOfType(AgentException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.error()).isEqualTo(AgentError.FORBIDDEN));
	}

}
