package dev.agentry.core.endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight table on its own: deadlines, cancel by id and caller, force, and the drain's counts. */
class InflightTableTests {

	/** Whom each body's request is for, as the body scan would find it. */
	private final Map<String, String> callers = Map.of("alice-body", "alice", "bob-body", "bob");

	private final InflightTable table = new InflightTable((entry) -> this.callers.get(new String(entry.body)));

	private final List<InflightTable.Entry> answered = new ArrayList<>();

	@Test
	void sizeAndBytesFollowWhatIsAddedAndCompleted() {
		InflightTable.Entry first = add("alice-body", "a", 100);
		add("bob-body", "b", 200);
		assertThat(this.table.size()).isEqualTo(2);
		assertThat(this.table.bytes()).isEqualTo("alice-body".length() + "bob-body".length());
		assertThat(this.table.complete(first.seq)).isSameAs(first);
		assertThat(this.table.complete(first.seq)).as("completed once").isNull();
		assertThat(this.table.size()).isEqualTo(1);
	}

	@Test
	void cancelTakesOutOnlyTheCallersRequestsWithThatId() {
		InflightTable.Entry alices = add("alice-body", "7", 100);
		add("bob-body", "8", 100);
		assertThat(this.table.cancel(key("8"), "alice", this.answered::add)).isEqualTo(RequestEndpoint.Cancelled.FORBIDDEN);
		assertThat(this.table.cancel(key("9"), "alice", this.answered::add)).isEqualTo(RequestEndpoint.Cancelled.NOT_FOUND);
		assertThat(this.table.cancel(key("7"), "alice", this.answered::add)).isEqualTo(RequestEndpoint.Cancelled.CANCELLED);
		assertThat(this.answered).containsExactly(alices);
		assertThat(alices.answered).as("a queued handler skips it").isTrue();
		assertThat(this.table.size()).isEqualTo(1);
	}

	@Test
	void theStringSevenIsNotTheNumberSeven() {
		this.table.add(null, "alice-body".getBytes(), new RequestDispatcher.Peek(LongNode.valueOf(7), "echo", false),
				null, 0, 100);
		assertThat(this.table.cancel(key("7"), "alice", this.answered::add)).isEqualTo(RequestEndpoint.Cancelled.NOT_FOUND);
		assertThat(this.table.cancel("7", "alice", this.answered::add)).isEqualTo(RequestEndpoint.Cancelled.CANCELLED);
	}

	@Test
	void expireTakesOutWhatIsPastItsDeadlineInArrivalOrder() {
		InflightTable.Entry early = add("alice-body", "a", 100);
		InflightTable.Entry late = add("bob-body", "b", 200);
		assertThat(this.table.nextDeadlineNanos()).isEqualTo(100);
		this.table.expire(150, this.answered::add);
		assertThat(this.answered).containsExactly(early);
		assertThat(this.table.nextDeadlineNanos()).isEqualTo(200);
		this.table.expire(200, this.answered::add);
		assertThat(this.answered).containsExactly(early, late);
		assertThat(this.table.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void aDrainCountsWhatLeavesDrainedWhatIsLeftForcedAndRefusalsRejected() {
		InflightTable.Entry before = add("alice-body", "a", 100);
		this.table.reject();
		this.table.complete(before.seq);
		assertThat(this.table.drained()).as("not draining yet").isZero();
		assertThat(this.table.rejected()).isZero();
		this.table.beginDrain();
		InflightTable.Entry finishes = add("alice-body", "b", 100);
		add("alice-body", "c", 100);
		InflightTable.Entry cancelled = add("alice-body", "d", 100);
		InflightTable.Entry stuck = add("bob-body", "e", 100);
		this.table.complete(finishes.seq);
		this.table.cancel(key("d"), "alice", this.answered::add);
		this.table.reject();
		this.table.reject();
		this.answered.clear();
		this.table.force(this.answered::add);
		assertThat(this.answered).hasSize(2).contains(stuck).doesNotContain(cancelled);
		assertThat(this.table.isEmpty()).isTrue();
		assertThat(this.table.size()).isZero();
		assertThat(this.table.drained()).isEqualTo(2);
		assertThat(this.table.forced()).isEqualTo(2);
		assertThat(this.table.rejected()).isEqualTo(2);
	}

	private InflightTable.Entry add(String body, String id, long deadline) {
		return this.table.add(null, body.getBytes(), new RequestDispatcher.Peek(StringNode.valueOf(id), "echo", false),
				null, 0, deadline);
	}

	private static String key(String id) {
		return RequestDispatcher.Peek.keyOf(StringNode.valueOf(id));
	}

}
