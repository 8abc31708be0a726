package dev.agentry.core.zmq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeTests {

	private static final byte[] IDENTITY = { 0, 1, 2, 3, 4 };

	private static final byte[] DELIMITER = new byte[0];

	private ZContext context;

	private ZMQ.Socket sender;

	private ZMQ.Socket receiver;

	@BeforeEach
	void openPair() {
		this.context = new ZContext(1);
		this.receiver = this.context.createSocket(SocketType.PAIR);
		this.receiver.setReceiveTimeOut(5_000);
		this.receiver.bind("inproc://envelope-tests");
		this.sender = this.context.createSocket(SocketType.PAIR);
		this.sender.connect("inproc://envelope-tests");
	}

	@AfterEach
	void closeContext() {
		this.context.close();
	}

	@Test
	void reqShapedMessageHasTheIdentityAndDelimiterAsEnvelopeAndOneBodyFrame() {
		Envelope envelope = Envelope.split(List.of(IDENTITY, DELIMITER, utf8("{\"action\":\"a\"}")));
		assertThat(envelope.singleBody()).isEqualTo(utf8("{\"action\":\"a\"}"));
		assertThat(envelope.bodySize()).isEqualTo(14);
		assertThat(replyFrames(envelope, utf8("reply"))).containsExactly(IDENTITY, DELIMITER, utf8("reply"));
	}

	@Test
	void dealerWithDelimiterGetsItsDelimiterBackInFrontOfTheReply() {
		byte[] otherIdentity = utf8("dealer-7");
		Envelope envelope = Envelope.split(List.of(otherIdentity, DELIMITER, utf8("body")));
		assertThat(envelope.singleBody()).isEqualTo(utf8("body"));
		assertThat(replyFrames(envelope, utf8("reply"))).containsExactly(otherIdentity, DELIMITER, utf8("reply"));
	}

	@Test
	void dealerWithoutDelimiterHasOnlyTheIdentityAsEnvelopeAndGetsItsReplyWithoutDelimiter() {
		Envelope envelope = Envelope.split(List.of(IDENTITY, utf8("body")));
		assertThat(envelope.singleBody()).isEqualTo(utf8("body"));
		assertThat(replyFrames(envelope, utf8("reply"))).containsExactly(IDENTITY, utf8("reply"));
	}

	@Test
	void extraCorrelationFrameBeforeTheDelimiterStaysInTheEnvelope() {
		byte[] correlation = ByteBuffer.allocate(Long.BYTES).putLong(42L).array();
		Envelope envelope = Envelope.split(List.of(IDENTITY, correlation, DELIMITER, utf8("body")));
		assertThat(envelope.singleBody()).isEqualTo(utf8("body"));
		assertThat(envelope.bodySize()).isEqualTo(4);
		assertThat(replyFrames(envelope, utf8("reply"))).containsExactly(IDENTITY, correlation, DELIMITER,
				utf8("reply"));
	}

	@Test
	void multiFrameBodyHasNoSingleBody() {
		Envelope envelope = Envelope.split(List.of(IDENTITY, DELIMITER, utf8("one"), utf8("two")));
		assertThat(envelope.singleBody()).isNull();
		assertThat(envelope.bodySize()).isEqualTo(6);
		assertThat(replyFrames(envelope, utf8("reply"))).containsExactly(IDENTITY, DELIMITER, utf8("reply"));
	}

	@Test
	void multiFrameBodyWithoutDelimiterHasNoSingleBody() {
		Envelope envelope = Envelope.split(List.of(IDENTITY, utf8("one"), utf8("two")));
		assertThat(envelope.singleBody()).isNull();
		assertThat(envelope.bodySize()).isEqualTo(6);
	}

	@Test
	void messageWithNothingAfterTheDelimiterHasNoSingleBody() {
		Envelope envelope = Envelope.split(List.of(IDENTITY, DELIMITER));
		assertThat(envelope.singleBody()).isNull();
		assertThat(envelope.bodySize()).isZero();
	}

	@Test
	void receiveReturnsNullWhenNothingIsWaiting() {
		try (ZMQ.Socket router = this.context.createSocket(SocketType.ROUTER)) {
			router.bind("tcp://127.0.0.1:*");
			assertThat(Envelope.receive(router)).isNull();
		}
	}

	@Test
	void receivedRequestFromARealReqSocketIsAnsweredThroughItsEnvelope() {
		ZMQ.Socket router = this.context.createSocket(SocketType.ROUTER);
		router.bind("inproc://envelope-tests-req");
		ZMQ.Socket req = this.context.createSocket(SocketType.REQ);
		req.setReceiveTimeOut(5_000);
		req.connect("inproc://envelope-tests-req");
		req.send("{\"action\":\"ping\"}");
		ZMQ.Poller poller = this.context.createPoller(1);
		poller.register(router, ZMQ.Poller.POLLIN);
		assertThat(poller.poll(5_000)).isEqualTo(1);
		Envelope envelope = Envelope.receive(router);
		assertThat(envelope).isNotNull();
		assertThat(envelope.singleBody()).isEqualTo(utf8("{\"action\":\"ping\"}"));
		assertThat(envelope.reply(router, utf8("{\"status\":\"ok\"}"))).isTrue();
		assertThat(req.recvStr()).isEqualTo("{\"status\":\"ok\"}");
		poller.close();
	}

	@Test
	void receivedRequestFromADealerWithoutDelimiterIsAnsweredWithoutDelimiter() {
		ZMQ.Socket router = this.context.createSocket(SocketType.ROUTER);
		router.bind("inproc://envelope-tests-dealer");
		ZMQ.Socket dealer = this.context.createSocket(SocketType.DEALER);
		dealer.setReceiveTimeOut(5_000);
		dealer.connect("inproc://envelope-tests-dealer");
		dealer.send("{\"action\":\"ping\"}");
		ZMQ.Poller poller = this.context.createPoller(1);
		poller.register(router, ZMQ.Poller.POLLIN);
		assertThat(poller.poll(5_000)).isEqualTo(1);
		Envelope envelope = Envelope.receive(router);
		assertThat(envelope.singleBody()).isEqualTo(utf8("{\"action\":\"ping\"}"));
		assertThat(envelope.reply(router, utf8("pong"))).isTrue();
		assertThat(dealer.recvStr()).isEqualTo("pong");
		assertThat(dealer.hasReceiveMore()).isFalse();
		poller.close();
	}

	private List<byte[]> replyFrames(Envelope envelope, byte[] reply) {
		assertThat(envelope.reply(this.sender, reply)).isTrue();
		List<byte[]> frames = new ArrayList<>();
		do {
			byte[] frame = this.receiver.recv(0);
			assertThat(frame).as("frame %d of the reply", frames.size()).isNotNull();
			frames.add(frame);
		}
		while (this.receiver.hasReceiveMore());
		return frames;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
