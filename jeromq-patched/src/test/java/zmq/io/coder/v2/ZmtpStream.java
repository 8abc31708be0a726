package zmq.io.coder.v2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import zmq.Msg;

/**
 * A ZMTP 3 frame stream under construction, with what a correct decoder makes of it: the frames
 * it must decode, each with the offset where its encoding ends, and a short description of the
 * layout for failure messages (the streams run to megabytes; their case seed reproduces them).
 */
final class ZmtpStream {

	record Expected(int flags, byte[] data, int end) {
	}

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final List<Expected> frames = new ArrayList<>();

	private final StringBuilder layout = new StringBuilder();

	/**
	 * A frame of {@code size} random bytes. {@code flags} is the whole flags byte, reserved bits
	 * included; its LARGE bit is set here, when {@code longForm} or when the size needs it.
	 */
	ZmtpStream frame(Random random, int flags, int size, boolean longForm) {
		byte[] data = new byte[size];
		random.nextBytes(data);
		if (longForm || size > 255) {
			longHeader(flags, size);
		}
		else {
			shortHeader(flags, size);
		}
		this.bytes.writeBytes(data);
		this.frames.add(new Expected(msgFlags(flags), data, this.bytes.size()));
		return this;
	}

	ZmtpStream shortHeader(int flags, int size) {
		this.bytes.write(flags & ~V2Protocol.LARGE_FLAG);
		this.bytes.write(size);
		this.layout.append(String.format("[%02x %d] ", flags & ~V2Protocol.LARGE_FLAG & 0xff, size));
		return this;
	}

	ZmtpStream longHeader(int flags, long size) {
		this.bytes.write(flags | V2Protocol.LARGE_FLAG);
		this.bytes.writeBytes(ByteBuffer.allocate(8).putLong(size).array());
		this.layout.append(String.format("[%02x L %016x] ", (flags | V2Protocol.LARGE_FLAG) & 0xff, size));
		return this;
	}

	ZmtpStream raw(byte[] raw) {
		this.bytes.writeBytes(raw);
		this.layout.append("raw ").append(raw.length).append(" B ");
		return this;
	}

	byte[] bytes() {
		return this.bytes.toByteArray();
	}

	List<Expected> frames() {
		return this.frames;
	}

	/** The frames whose encoding ends within the first {@code length} bytes. */
	List<Expected> framesWithin(int length) {
		return this.frames.stream().filter((frame) -> frame.end() <= length).toList();
	}

	String describe() {
		return this.layout + "(" + this.bytes.size() + " bytes)";
	}

	/** The wire's flags bits as the decoder sets them on the message; reserved bits are ignored. */
	static int msgFlags(int wireFlags) {
		return (((wireFlags & V2Protocol.MORE_FLAG) != 0) ? Msg.MORE : 0)
				| (((wireFlags & V2Protocol.COMMAND_FLAG) != 0) ? Msg.COMMAND : 0);
	}

}
