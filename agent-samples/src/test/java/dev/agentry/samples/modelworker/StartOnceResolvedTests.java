package dev.agentry.samples.modelworker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.integration.zeromq.inbound.ZeroMqMessageProducer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class StartOnceResolvedTests {

	/**
	 * A host that never resolves, refused before any look-up (a malformed IPv6 literal), so
	 * that no name server is asked. UnresolvedPeersIT shows a real name that resolves later.
	 */
	private static final String UNRESOLVABLE = "tcp://[1::2::3]:5532";

	private static final Duration GENEROUS = Duration.ofSeconds(30);

	private final ZContext context = new ZContext(1);

	private final List<String> received = new CopyOnWriteArrayList<>();

	@AfterEach
	void closeContext() {
		this.context.close();
	}

	@Test
	void hostOfReadsTheHostAsJeroMqDoes() {
		assertThat(StartOnceResolved.hostOf("tcp://streaming-interrupt-handler:5532"))
			.isEqualTo("streaming-interrupt-handler");
		assertThat(StartOnceResolved.hostOf("tcp://compose_name_1:5532")).isEqualTo("compose_name_1");
		assertThat(StartOnceResolved.hostOf("tcp://127.0.0.1:5532")).isEqualTo("127.0.0.1");
		assertThat(StartOnceResolved.hostOf("tcp://[::1]:5532")).isEqualTo("::1");
		assertThat(StartOnceResolved.hostOf("ipc:///tmp/interrupts")).isNull();
		assertThat(StartOnceResolved.hostOf("tcp://5532")).isNull();
	}

	@Test
	void componentWaitsWhileItsHostDoesNotResolveWarnsOnceAndStopsWithoutEverOpeningASocket(CapturedOutput output)
			throws Exception {
		ZeroMqMessageProducer subscriber = subscriber(UNRESOLVABLE);
		StartOnceResolved<ZeroMqMessageProducer> stream = new StartOnceResolved<>("test-unresolved", UNRESOLVABLE,
				subscriber);
		stream.start();
		String warning = "Stream 'test-unresolved' cannot connect to " + UNRESOLVABLE;
		await().atMost(GENEROUS).until(() -> output.getAll().contains(warning));
		// Long enough for the look-ups at 250 ms and 500 ms to fail again.
		Thread.sleep(1000);
		assertThat(stream.isRunning()).isTrue();
		assertThat(subscriber.isRunning()).isFalse();
		stream.stop();
		stream.destroy();
		assertThat(stream.isRunning()).isFalse();
		assertThat(subscriber.isRunning()).isFalse();
		assertThat(this.context.getSockets()).isEmpty();
		await().atMost(GENEROUS).until(() -> !threadAlive("stream-resolve-test-unresolved"));
		assertThat(output.getAll()).containsOnlyOnce(warning).doesNotContain("UnknownHostException");
	}

	@Test
	void componentWhoseHostResolvesStartsReceivesAndClosesItsSocket(CapturedOutput output) throws Exception {
		ZMQ.Socket publisher = this.context.createSocket(SocketType.PUB);
		publisher.setLinger(0);
		int port = publisher.bindToRandomPort("tcp://127.0.0.1");
		String url = "tcp://127.0.0.1:" + port;
		ZeroMqMessageProducer subscriber = subscriber(url);
		StartOnceResolved<ZeroMqMessageProducer> stream = new StartOnceResolved<>("test-resolved", url, subscriber);
		stream.start();
		await().atMost(GENEROUS).until(subscriber::isRunning);
		// PUB/SUB: what is published before the subscription has arrived is dropped, so again until one lands.
		await().atMost(GENEROUS).pollInterval(Duration.ofMillis(100)).until(() -> {
			publisher.sendMore("interrupt");
			publisher.send("hello");
			return this.received.contains("hello");
		});
		stream.stop();
		stream.destroy();
		assertThat(subscriber.isRunning()).isFalse();
		publisher.close();
		assertThat(this.context.getSockets()).isEmpty();
		assertThat(output.getAll()).doesNotContain("cannot connect");
	}

	private ZeroMqMessageProducer subscriber(String url) {
		DirectChannel channel = new DirectChannel();
		channel.subscribe((message) -> this.received.add(new String((byte[]) message.getPayload(), StandardCharsets.UTF_8)));
		ZeroMqMessageProducer subscriber = new ZeroMqMessageProducer(this.context, SocketType.SUB);
		subscriber.setConnectUrl(url);
		subscriber.setSocketConfigurer((socket) -> socket.setLinger(0));
		subscriber.setTopics("interrupt");
		subscriber.setConsumeDelay(Duration.ofMillis(50));
		subscriber.setMessageMapper((payload, headers) -> MessageBuilder.withPayload(payload).copyHeaders(headers).build());
		subscriber.setOutputChannel(channel);
		subscriber.setBeanFactory(new DefaultListableBeanFactory());
		subscriber.afterPropertiesSet();
		return subscriber;
	}

	private static boolean threadAlive(String name) {
		return Thread.getAllStackTraces().keySet().stream().anyMatch((thread) -> thread.getName().equals(name));
	}

}
