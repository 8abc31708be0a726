package org.zeromq.patched;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A ZMTP 3.0 peer written byte by byte, so that a test can send what no ZeroMQ library would:
 * negative or huge announced sizes, frames that stall half-way, commands before the handshake.
 */
final class RawZmtpPeer implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private final DataInputStream in;

	RawZmtpPeer(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(10_000);
		this.out = this.socket.getOutputStream();
		this.in = new DataInputStream(this.socket.getInputStream());
	}

	/** Sends the 64-byte greeting: signature, version 3.0, mechanism NULL, as-server 0. */
	RawZmtpPeer greet() throws IOException {
		ByteBuffer greeting = ByteBuffer.allocate(64);
		greeting.put((byte) 0xFF).put(new byte[8]).put((byte) 0x7F);
		greeting.put((byte) 3).put((byte) 0);
		greeting.put("NULL".getBytes(StandardCharsets.US_ASCII)).put(new byte[16]);
		greeting.put((byte) 0).put(new byte[31]);
		this.out.write(greeting.array());
		this.out.flush();
		return this;
	}

	/** Greets, sends READY as a DEALER and reads the server's greeting and READY. */
	RawZmtpPeer handshake() throws IOException {
		greet();
		byte[] name = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
		byte[] type = "DEALER".getBytes(StandardCharsets.US_ASCII);
		ByteBuffer ready = ByteBuffer.allocate(1 + 5 + 1 + name.length + 4 + type.length);
		ready.put((byte) 5).put("READY".getBytes(StandardCharsets.US_ASCII));
		ready.put((byte) name.length).put(name).putInt(type.length).put(type);
		frame(0x04, ready.array());
		this.in.readFully(new byte[64]);
		int flags = this.in.readUnsignedByte();
		long size = ((flags & 0x02) != 0) ? this.in.readLong() : this.in.readUnsignedByte();
		this.in.readFully(new byte[(int) size]);
		return this;
	}

	/** A whole frame with a short (one-byte) or long (eight-byte) size, as its length needs. */
	void frame(int flags, byte[] body) throws IOException {
		if (body.length > 255) {
			header(flags | 0x02, body.length);
		}
		else {
			this.out.write(flags);
			this.out.write(body.length);
		}
		this.out.write(body);
		this.out.flush();
	}

	/** A long frame's header announcing {@code size} bytes (any 64 bits, negative included). */
	void header(int flags, long size) throws IOException {
		this.out.write(ByteBuffer.allocate(9).put((byte) (flags | 0x02)).putLong(size).array());
		this.out.flush();
	}

	void raw(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Whether the other side closed the connection: reads (and drops) whatever it still sends,
	 * such as its greeting, until the end of the stream, or gives up after the read timeout.
	 */
	boolean closedByPeer() {
		try {
			byte[] sink = new byte[4096];
			while (this.in.read(sink) != -1) {
				// Not the end yet.
			}
			return true;
		}
		catch (IOException ex) {
			// A reset is a close too.
			return !(ex instanceof java.net.SocketTimeoutException);
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
