package dev.agentry.core.zmq;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

class ZmqSocketsTests {

	@Test
	void aPeerCanQueueAboutSixteenMegabytesWhateverTheMessageLimit() {
		assertThat(AgentSocketSettings.receiveHighWaterMark(1024 * 1024)).isEqualTo(16);
		assertThat(AgentSocketSettings.receiveHighWaterMark(16 * 1024)).isEqualTo(1000);
		assertThat(AgentSocketSettings.receiveHighWaterMark(1024)).isEqualTo(1000);
		assertThat(AgentSocketSettings.receiveHighWaterMark(64L * 1024 * 1024)).as("never fewer than a few").isEqualTo(4);
	}

	@Test
	void receivingSocketsGetTheLimitsAndPublishersDoNot() {
		try (ZContext context = new ZContext(1)) {
			ZmqSockets sockets = new ZmqSockets(context, Duration.ofMillis(100), 1024 * 1024, (refusal) -> {
			});
			ZMQ.Socket router = sockets.create(SocketType.ROUTER, "endpoint");
			assertThat(router.getRcvHWM()).isEqualTo(16);
			assertThat(router.getMaxMsgSize()).isEqualTo(1024 * 1024);
			assertThat(router.getLinger()).isEqualTo(100);
			ZMQ.Socket pub = sockets.create(SocketType.PUB, "stream");
			assertThat(pub.getMaxMsgSize()).isEqualTo(-1);
			router.close();
			pub.close();
		}
	}

}
