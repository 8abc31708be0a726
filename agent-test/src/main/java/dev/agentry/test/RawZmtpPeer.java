package dev.agentry.test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A hand-written ZeroMQ peer on a plain {@link java.net.Socket}, for attack tests: it speaks
 * just enough ZMTP 3.0 (RFC 23, https://rfc.zeromq.org/spec/23/) to pass the NULL-mechanism
 * handshake as a DEALER, and after that writes whatever bytes the test chooses, frame headers
 * that lie about their sizes included. No ZeroMQ library is involved on this side, so nothing
 * here can refuse, fix up or buffer what the test sends.
 *
 * <pre>{@code
 * try (RawZmtpPeer peer = RawZmtpPeer.connect(port)) {     // greeting + READY exchanged
 *     peer.sendRequest("{\"action\":\"health_check\"}");   // a well-formed request, for contrast
 *     peer.sendRaw(RawZmtpPeer.longFrameHeader(-1L));        // flags 0x02, size ffffffffffffffff
 * }
 * }</pre>
 *
 * Wire format in brief. A frame is a flags byte, a size, and that many bytes:
 * <ul>
 * <li>flags bit 0 ({@link #MORE}, 0x01): another frame of the same message follows;</li>
 * <li>flags bit 1 ({@link #LONG}, 0x02): the size is 8 bytes, unsigned, big-endian; otherwise it
 * is 1 byte (0-255);</li>
 * <li>flags bit 2 ({@link #COMMAND}, 0x04): a command frame (READY, ERROR, ...), not message data.</li>
 * </ul>
 * A DEALER talking to a ROUTER/REP-style endpoint sends an empty "delimiter" frame
 * ({@code 01 00}) before the request body, as {@link ZmqTestClient#sendFrames} does, and gets
 * the same empty frame back before the reply.
 *
 * Not thread-safe for two writers or two readers; one writer thread and one reader thread at
 * once are fine (the socket's streams are independent). Every read has a timeout.
 */
public final class RawZmtpPeer implements AutoCloseable {

	/** Flags bit: more frames of this message follow. */
	public static final int MORE = 0x01;

	/** Flags bit: the size field is 8 bytes instead of 1. */
	public static final int LONG = 0x02;

	/** Flags bit: a command frame (READY, ERROR, PING...). */
	public static final int COMMAND = 0x04;

	/** A frame larger than this is not read into memory by {@link #readFrame()}. */
	private static final long MAX_READ = 16L * 1024 * 1024;

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private RawZmtpPeer(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/** Connects to 127.0.0.1:port and completes the handshake as a DEALER; reads time out after 10 s. */
	public static RawZmtpPeer connect(int port) {
		return connect("127.0.0.1", port, Duration.ofSeconds(10));
	}

	/**
	 * Connects and completes the ZMTP 3.0 NULL handshake as a DEALER.
	 * @param readTimeout the bound on every read, the handshake's included
	 * @throws UncheckedIOException when the connection or the handshake fails (the peer closed,
	 * sent something else than a ZMTP 3 greeting and READY, or stayed silent)
	 */
	public static RawZmtpPeer connect(String host, int port, Duration readTimeout) {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout((int) readTimeout.toMillis());
			socket.connect(new InetSocketAddress(host, port), (int) readTimeout.toMillis());
			RawZmtpPeer peer = new RawZmtpPeer(socket);
			peer.handshake();
			return peer;
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("ZMTP handshake with " + host + ":" + port + " failed", ex);
		}
	}

	/**
	 * Our 64-byte greeting (RFC 23 "greeting"), byte by byte.
	 */
	static byte[] greeting() {
		byte[] greeting = new byte[64];
		// Signature, 10 bytes: 0xFF, 8 bytes of padding, 0x7F. The 0x7F's low bit says
		// "a ZMTP 2.0 or later peer"; a ZMTP 1.0 peer would read 0xFF as a long-length marker.
		greeting[0] = (byte) 0xFF;
		// greeting[1..8] stay 0x00: the padding (ZMTP 1.0's 8-byte length field, unused here).
		greeting[9] = (byte) 0x7F;
		// Version, 2 bytes: major 3, minor 0. ZMTP 3.0 is what JeroMQ 0.6 and libzmq 4 speak.
		greeting[10] = 3;
		greeting[11] = 0;
		// Mechanism, 20 bytes: the ASCII name, padded with zeros. NULL: no security at all.
		byte[] mechanism = "NULL".getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(mechanism, 0, greeting, 12, mechanism.length);
		// as-server, 1 byte at offset 32: 0, we are the client side (NULL ignores it anyway).
		greeting[32] = 0;
		// Filler, 31 bytes at offsets 33..63: zeros.
		return greeting;
	}

	/**
	 * Our READY command, a complete command frame: flags 0x04 (command, short), a 1-byte size,
	 * then the command body: 1 byte of name length, "READY", and the metadata properties, each
	 * a 1-byte name length, the name, a 4-byte big-endian value length, the value.
	 */
	static byte[] ready(String socketType) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		byte[] name = "READY".getBytes(StandardCharsets.US_ASCII);
		body.write(name.length);
		body.writeBytes(name);
		// Socket-Type is the one property a ZMTP 3 peer requires: the ROUTER checks that a
		// DEALER may talk to it, and drops the connection otherwise.
		property(body, "Socket-Type", socketType);
		byte[] command = body.toByteArray();
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(COMMAND);
		frame.write(command.length);
		frame.writeBytes(command);
		return frame.toByteArray();
	}

	private static void property(ByteArrayOutputStream body, String name, String value) {
		byte[] n = name.getBytes(StandardCharsets.US_ASCII);
		byte[] v = value.getBytes(StandardCharsets.US_ASCII);
		body.write(n.length);
		body.writeBytes(n);
		body.write(v.length >>> 24);
		body.write(v.length >>> 16);
		body.write(v.length >>> 8);
		body.write(v.length);
		body.writeBytes(v);
	}

	private void handshake() throws IOException {
		// Both sides send their greeting at once and read the other's; JeroMQ sends its own in
		// two parts (signature first, the rest after it saw ours), which the reads below absorb.
		this.out.write(greeting());
		this.out.write(ready("DEALER"));
		this.out.flush();
		byte[] theirs = new byte[64];
		this.in.readFully(theirs);
		if ((theirs[0] & 0xFF) != 0xFF || (theirs[9] & 0x01) == 0 || theirs[10] < 3) {
			throw new IOException("not a ZMTP 3 greeting: " + hex(theirs, 12));
		}
		String mechanism = new String(theirs, 12, 20, StandardCharsets.US_ASCII).trim();
		if (!mechanism.equals("NULL")) {
			throw new IOException("the peer wants mechanism " + mechanism + ", not NULL");
		}
		Frame ready = readFrame();
		if (!ready.command() || ready.body().length < 6 || ready.body()[0] != 5
				|| !new String(ready.body(), 1, 5, StandardCharsets.US_ASCII).equals("READY")) {
			throw new IOException("expected the peer's READY command, got flags " + ready.flags() + " and "
					+ ready.body().length + " bytes");
		}
	}

	/** A frame's header: flags, then a 1-byte size (short) or an 8-byte big-endian size ({@link #LONG}). */
	public static byte[] frameHeader(int flags, long size) {
		if ((flags & LONG) == 0) {
			return new byte[] { (byte) flags, (byte) size };
		}
		byte[] header = new byte[9];
		header[0] = (byte) flags;
		for (int i = 0; i < 8; i++) {
			header[1 + i] = (byte) (size >>> (56 - 8 * i));
		}
		return header;
	}

	/**
	 * A long frame's 9-byte header announcing {@code size} bytes, no MORE flag. {@code -1L} gives
	 * {@code 02 ff ff ff ff ff ff ff ff}: 2^64-1 unsigned, and a negative long to a Java decoder.
	 */
	public static byte[] longFrameHeader(long size) {
		return frameHeader(LONG, size);
	}

	/** Writes the bytes as they are, and flushes. */
	public void sendRaw(byte[] bytes) {
		sendRaw(bytes, 0, bytes.length);
	}

	public void sendRaw(byte[] bytes, int offset, int length) {
		try {
			this.out.write(bytes, offset, length);
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One frame: the right header for its size (short up to 255 bytes, long above) and the body. */
	public void sendFrame(byte[] body, boolean more) {
		int flags = (more ? MORE : 0) | ((body.length > 255) ? LONG : 0);
		sendRaw(frameHeader(flags, body.length));
		sendRaw(body);
	}

	/** A request as a DEALER sends it to a ROUTER endpoint: the empty delimiter, then the body. */
	public void sendRequest(String json) {
		sendRequest(json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A request whose body is the concatenation of the parts, sent as one frame without ever
	 * building it: a test can send a thousand 1 MB requests that share one 1 MB array.
	 */
	public void sendRequest(byte[]... parts) {
		long size = 0;
		for (byte[] part : parts) {
			size += part.length;
		}
		sendRaw(new byte[] { MORE, 0 });
		sendRaw(frameHeader(LONG, size));
		for (byte[] part : parts) {
			sendRaw(part);
		}
	}

	/** One frame as it arrived. */
	public record Frame(int flags, byte[] body) {

		public boolean more() {
			return (this.flags & MORE) != 0;
		}

		public boolean command() {
			return (this.flags & COMMAND) != 0;
		}

		public String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

	/**
	 * The next frame, commands included.
	 * @throws SocketTimeoutException when nothing arrives within the read timeout
	 * @throws EOFException when the peer closed the connection
	 */
	public Frame readFrame() throws IOException {
		int flags = this.in.readUnsignedByte();
		long size = ((flags & LONG) != 0) ? this.in.readLong() : this.in.readUnsignedByte();
		if (size < 0 || size > MAX_READ) {
			throw new IOException("the peer announced a frame of " + Long.toUnsignedString(size) + " bytes");
		}
		byte[] body = new byte[(int) size];
		this.in.readFully(body);
		return new Frame(flags, body);
	}

	/**
	 * The next reply's body: the frames of one message, commands (PING and the like) skipped,
	 * the empty delimiter dropped; the last frame.
	 */
	public byte[] readReply() throws IOException {
		List<byte[]> frames = new ArrayList<>();
		while (true) {
			Frame frame = readFrame();
			if (frame.command()) {
				continue;
			}
			frames.add(frame.body());
			if (!frame.more()) {
				return frames.get(frames.size() - 1);
			}
		}
	}

	/** The next reply as text, or {@code null} when none came within the read timeout. */
	public String readReplyText() {
		try {
			return new String(readReply(), StandardCharsets.UTF_8);
		}
		catch (SocketTimeoutException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public void readTimeout(Duration timeout) {
		try {
			this.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
		}
		catch (SocketException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Whether the other side closed or reset this connection, judged by a read that waits at
	 * most {@code wait}. Whatever it reads is discarded, so only use it on a peer that expects
	 * nothing more.
	 */
	public boolean closedByPeer(Duration wait) {
		try {
			this.socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
			InputStream stream = this.in;
			while (true) {
				int read = stream.read(new byte[4096]);
				if (read < 0) {
					return true;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			// Connection reset and the like.
			return true;
		}
	}

	public Socket socket() {
		return this.socket;
	}

	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
	}

	private static String hex(byte[] bytes, int count) {
		StringBuilder text = new StringBuilder();
		for (byte b : Arrays.copyOf(bytes, Math.min(count, bytes.length))) {
			text.append(String.format("%02x", b & 0xFF));
		}
		return text.toString();
	}

}
