package org.zeromq.patched;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

import zmq.Msg;
import zmq.ZError;
import zmq.msg.MsgAllocatorHeap;
import zmq.util.Errno;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reproducers for what one hostile peer can do to a JeroMQ 0.6.0 server socket, each against
 * a real ROUTER on loopback. Built from the stock sources ({@code -Djeromq.stock=true}) every
 * test here fails; docs/jeromq-fixes.md names the patch behind each.
 */
// A stock JeroMQ can spin or hang here (that is the defect): fail, never hang the build.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileFramesTests {

	private ZContext context;

	/** Whatever the I/O threads report: an exception in one leaves it spinning or dead. */
	private final Queue<Throwable> ioThreadFailures = new ConcurrentLinkedQueue<>();

	private ZMQ.Socket router;

	private int port;

	@BeforeEach
	void bind() {
		this.context = new ZContext(1);
		this.context.setNotificationExceptionHandler((thread, ex) -> this.ioThreadFailures.add(ex));
		this.context.setUncaughtExceptionHandler((thread, ex) -> this.ioThreadFailures.add(ex));
		this.router = router(null);
	}

	private ZMQ.Socket router(zmq.msg.MsgAllocator allocator) {
		ZMQ.Socket socket = this.context.createSocket(SocketType.ROUTER);
		socket.setLinger(0);
		socket.setReceiveTimeOut(5_000);
		socket.setMaxMsgSize(2 * 1024 * 1024);
		if (allocator != null) {
			socket.setMsgAllocator(allocator);
		}
		socket.bind("tcp://127.0.0.1:*");
		String endpoint = socket.getLastEndpoint();
		this.port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
		return socket;
	}

	/**
	 * On its own thread and bounded: on a stock JeroMQ a spinning I/O thread makes the context's
	 * close hang, which must fail the test, not hang the build.
	 */
	@AfterEach
	void close() throws InterruptedException {
		Thread closer = new Thread(this.context::close, "context-closer");
		closer.setDaemon(true);
		closer.start();
		closer.join(10_000);
		assertThat(closer.isAlive()).as("the context's close hangs").isFalse();
	}

	@Test
	void negativeAnnouncedSizeCostsOnlyThatConnection() throws Exception {
		try (RawZmtpPeer attacker = new RawZmtpPeer(this.port).handshake()) {
			// Flags 0x02 (long size) and 2^64-1, read by JeroMQ as the long -1.
			attacker.header(0x00, -1L);
			assertThat(attacker.closedByPeer()).isTrue();
		}
		assertServes(this.router);
		assertThat(this.ioThreadFailures).isEmpty();
	}

	@Test
	void announcedSizesAreAllocatedOnlyAsTheirDataArrive() throws Exception {
		int attackers = 200;
		long before = ioThreadAllocatedBytes();
		List<RawZmtpPeer> peers = new ArrayList<>();
		try {
			for (int i = 0; i < attackers; i++) {
				RawZmtpPeer peer = new RawZmtpPeer(this.port).handshake();
				peer.header(0x00, 1_048_000);
				peer.raw(new byte[10]);
				peers.add(peer);
			}
			assertServes(this.router);
			// Stock JeroMQ allocates every announced frame up front: 200 MB here. Grown with the
			// data, the frames cost 8 KB each, plus the handshakes and this test's own traffic.
			long allocated = ioThreadAllocatedBytes() - before;
			assertThat(allocated).isLessThan(attackers * 64L * 1024);
		}
		finally {
			for (RawZmtpPeer peer : peers) {
				peer.close();
			}
		}
		assertThat(this.ioThreadFailures).isEmpty();
	}

	@Test
	void largeFramesArriveWholeWhateverTheirDataIsCutInto() throws Exception {
		byte[] payload = new byte[1_048_000];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) (i * 31 + 7);
		}
		try (ZMQ.Socket dealer = this.context.createSocket(SocketType.DEALER)) {
			dealer.connect("tcp://127.0.0.1:" + this.port);
			dealer.send(payload, 0);
			assertThat(this.router.recv(0)).isNotNull();
			assertThat(this.router.recv(0)).isEqualTo(payload);
		}
		try (RawZmtpPeer peer = new RawZmtpPeer(this.port).handshake()) {
			peer.header(0x00, payload.length);
			// Pieces of odd sizes, so that growth meets the data at every kind of boundary.
			int sent = 0;
			int piece = 1;
			while (sent < payload.length) {
				int length = Math.min(piece, payload.length - sent);
				peer.raw(Arrays.copyOfRange(payload, sent, sent + length));
				sent += length;
				piece = piece * 3 + 1;
			}
			assertThat(this.router.recv(0)).isNotNull();
			assertThat(this.router.recv(0)).isEqualTo(payload);
		}
	}

	@Test
	void framesBeforeTheHandshakeAreRefusedAboveAFewKilobytes() throws Exception {
		long before = ioThreadAllocatedBytes();
		try (RawZmtpPeer attacker = new RawZmtpPeer(this.port).greet()) {
			// A command frame (flags 0x04) announcing a megabyte, in place of READY.
			attacker.header(0x04, 1_000_000);
			attacker.raw(new byte[8192]);
			assertThat(attacker.closedByPeer()).isTrue();
		}
		assertThat(ioThreadAllocatedBytes() - before).isLessThan(512 * 1024);
		assertServes(this.router);
	}

	@Test
	void aDecoderFailureCostsOnlyThatConnection() throws Exception {
		this.router.close();
		// The message allocator is JeroMQ's own extension point; one that throws stands for any
		// failure inside the decoder.
		ZMQ.Socket fragile = router(new MsgAllocatorHeap() {
			@Override
			public Msg allocate(int size) {
				if (size == 13) {
					throw new IllegalStateException("the allocator refuses 13 bytes");
				}
				return super.allocate(size);
			}
		});
		try (RawZmtpPeer attacker = new RawZmtpPeer(this.port).handshake()) {
			attacker.frame(0x00, new byte[13]);
			assertThat(attacker.closedByPeer()).isTrue();
		}
		assertServes(fragile);
		assertThat(this.ioThreadFailures).isEmpty();
	}

	@Test
	void aHandshakeTimeoutIsReportedAsSuch() throws Exception {
		this.router.close();
		ZMQ.Socket socket = router(null);
		socket.setHandshakeIvl(200);
		AtomicInteger errnoAtDisconnect = new AtomicInteger(-1);
		socket.setEventHook((event) -> errnoAtDisconnect.set(new Errno().get()), ZMQ.EVENT_DISCONNECTED);
		try (RawZmtpPeer silent = new RawZmtpPeer(this.port)) {
			assertThat(silent.closedByPeer()).isTrue();
		}
		await().untilAsserted(() -> assertThat(errnoAtDisconnect).hasValue(ZError.ETIMEDOUT));
		assertThat(ZMonitor.Event.DISCONNECTED).isNotNull();
	}

	/** A well-behaved DEALER still gets its message through the ROUTER and the reply back. */
	private void assertServes(ZMQ.Socket server) {
		try (ZMQ.Socket dealer = this.context.createSocket(SocketType.DEALER)) {
			dealer.setLinger(0);
			dealer.setReceiveTimeOut(5_000);
			dealer.connect("tcp://127.0.0.1:" + this.port);
			dealer.send("ping");
			byte[] identity = server.recv(0);
			assertThat(identity).as("the server received nothing from a good peer").isNotNull();
			assertThat(server.recvStr(0)).isEqualTo("ping");
			server.send(identity, ZMQ.SNDMORE);
			server.send("pong");
			assertThat(dealer.recvStr(0)).isEqualTo("pong");
		}
	}

	/** Bytes allocated so far by the context's I/O threads, which decode every peer's frames. */
	private static long ioThreadAllocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long total = 0;
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("iothread-")) {
				total += threads.getThreadAllocatedBytes(thread.getId());
			}
		}
		return total;
	}

}
