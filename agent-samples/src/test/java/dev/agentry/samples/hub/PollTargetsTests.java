package dev.agentry.samples.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.agentry.core.registry.RegisteredInstance;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PollTargetsTests {

	private static final String KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

	private long now = Duration.ofHours(1).toNanos();

	@Test
	void aHealthEndpointOnAnotherHostThanTheEndpointIsNotPolled() {
		PollTargets targets = new PollTargets(false);
		List<PollTargets.Target> polled = targets.update(List.of(
				instance("s", "good", "tcp://10.0.0.1:5510", "tcp://10.0.0.1:5511", null),
				instance("s", "elsewhere", "tcp://10.0.0.1:5510", "tcp://10.0.0.2:22", null),
				instance("s", "named", "tcp://worker-0.svc:5510", "tcp://WORKER-0.svc:5511", null),
				instance("s", "none", "tcp://10.0.0.1:5510", null, null),
				instance("s", "odd", "ipc:///tmp/x", "ipc:///tmp/x", null)), this.now);
		assertThat(polled).extracting((target) -> target.instance().instance()).containsExactly("good", "named");
		assertThat(targets.listed()).containsExactly("tcp://10.0.0.1:5511", "tcp://WORKER-0.svc:5511");
	}

	@Test
	void withCurveOnlyInstancesWithAKeyArePolledPinnedToIt() {
		PollTargets targets = new PollTargets(true);
		List<PollTargets.Target> polled = targets.update(List.of(
				instance("s", "keyed", "tcp://10.0.0.1:5510", "tcp://10.0.0.1:5511", KEY),
				instance("s", "keyless", "tcp://10.0.0.3:5510", "tcp://10.0.0.3:5511", null)), this.now);
		assertThat(polled).singleElement().satisfies((target) -> assertThat(target.serverKey()).isEqualTo(KEY));
		assertThat(targets.serverKey("tcp://10.0.0.1:5511")).isEqualTo(KEY);
		assertThat(targets.serverKey("tcp://10.0.0.3:5511")).isNull();
	}

	@Test
	void atMostMaxPeersArePolledAndThoseAlreadyPolledKeepTheirPlace() {
		PollTargets targets = new PollTargets(false);
		List<RegisteredInstance> first = many("a", PollTargets.MAX_PEERS + 50);
		assertThat(targets.update(first, this.now)).hasSize(PollTargets.MAX_PEERS);
		List<RegisteredInstance> more = new ArrayList<>(many("b", 100));
		more.addAll(first);
		// Newcomers listed first (registered earlier, say) do not push out those already polled.
		assertThat(targets.update(more, this.now)).hasSize(PollTargets.MAX_PEERS)
			.allSatisfy((target) -> assertThat(target.instance().service()).isEqualTo("a"));
		assertThat(targets.listed()).hasSize(PollTargets.MAX_PEERS);
	}

	@Test
	void instancesNoLongerListedAreDroppedAndTheirSocketsCountUntilTheClientClosesThem() {
		PollTargets targets = new PollTargets(false);
		targets.update(many("a", PollTargets.MAX_PEERS), this.now);
		this.now += Duration.ofSeconds(2).toNanos();
		List<PollTargets.Target> polled = targets.update(many("b", 10), this.now);
		assertThat(polled).as("the old sockets may still be open: no room for new ones yet").isEmpty();
		assertThat(targets.listed()).isEmpty();
		this.now += PollTargets.SOCKET_RETENTION.toNanos();
		assertThat(targets.update(many("b", 10), this.now)).hasSize(10);
	}

	private static List<RegisteredInstance> many(String service, int count) {
		List<RegisteredInstance> instances = new ArrayList<>();
		int ports = service.equals("a") ? 20000 : 30000;
		for (int i = 0; i < count; i++) {
			instances.add(instance(service, "i-" + i, "tcp://127.0.0.1:" + (10000 + i),
					"tcp://127.0.0.1:" + (ports + i), null));
		}
		return instances;
	}

	private static RegisteredInstance instance(String service, String instance, String endpoint, String health,
			String key) {
		return new RegisteredInstance(service, instance, endpoint, health, 10, 0, key);
	}

}
