package zmq.io.coder.v2;

import java.lang.reflect.Method;
import java.util.Random;

import org.junit.jupiter.api.Test;

import zmq.Msg;
import zmq.ZError;
import zmq.io.coder.Decoder;
import zmq.io.coder.IDecoder.Step;
import zmq.msg.MsgAllocatorHeap;
import zmq.util.Errno;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Patch 03 at the decoder: until the engine lifts the limit (the peer's handshake is done), a
 * frame over it is refused before anything is allocated for it, whatever maxmsgsize allows.
 * <p>
 * {@code limitUntilHandshaken} is called by reflection because it is the patch's own method:
 * built from the stock sources ({@code -Djeromq.stock=true}) it does not exist, and a direct
 * call would stop the whole module's tests from compiling, so that none of the other
 * reproducers could show that they fail there. This way, only these tests fail.
 */
class DecoderHandshakeLimitTests {

	private static final int LIMIT = 8192;

	private final Errno errno = new Errno();

	private final V2Decoder decoder = new V2Decoder(this.errno, 8192, -1, new MsgAllocatorHeap());

	@Test
	void aFrameOverTheLimitIsRefused() throws Exception {
		limitUntilHandshaken(LIMIT);
		DecoderFeed feed = feed(new ZmtpStream().longHeader(V2Protocol.COMMAND_FLAG, LIMIT + 1).raw(new byte[LIMIT + 1]));
		assertThat(feed.last).isEqualTo(Step.Result.ERROR);
		assertThat(this.errno.get()).isEqualTo(ZError.EMSGSIZE);
		assertThat(feed.frames).isEmpty();
	}

	@Test
	void aFrameAtTheLimitDecodes() throws Exception {
		limitUntilHandshaken(LIMIT);
		ZmtpStream stream = new ZmtpStream().frame(new Random(1), V2Protocol.COMMAND_FLAG, 255, false)
			.frame(new Random(2), V2Protocol.COMMAND_FLAG, LIMIT, true);
		DecoderFeed feed = feed(stream);
		assertThat(feed.last).isEqualTo(Step.Result.DECODED);
		assertThat(feed.frames).hasSize(2);
		assertThat(feed.frames.get(1).flags()).isEqualTo(Msg.COMMAND);
		assertThat(feed.frames.get(1).data()).isEqualTo(stream.frames().get(1).data());
	}

	@Test
	void largerFramesDecodeOnceTheLimitIsLifted() throws Exception {
		limitUntilHandshaken(LIMIT);
		assertThat(feed(new ZmtpStream().frame(new Random(3), V2Protocol.COMMAND_FLAG, 300, true)).last)
			.isEqualTo(Step.Result.DECODED);
		// What the engine does once the mechanism is ready.
		limitUntilHandshaken(-1);
		ZmtpStream stream = new ZmtpStream().frame(new Random(4), V2Protocol.MORE_FLAG, LIMIT + 1, true)
			.frame(new Random(5), 0, 1_000_000, true);
		DecoderFeed feed = feed(stream);
		assertThat(feed.last).isEqualTo(Step.Result.DECODED);
		assertThat(feed.frames).hasSize(2);
		assertThat(feed.frames.get(0).data()).isEqualTo(stream.frames().get(0).data());
		assertThat(feed.frames.get(1).data()).isEqualTo(stream.frames().get(1).data());
	}

	private DecoderFeed feed(ZmtpStream stream) {
		return DecoderFeed.feed(this.decoder, stream.bytes(), new Random(6), 1);
	}

	private void limitUntilHandshaken(long limit) throws Exception {
		Method method = Decoder.class.getMethod("limitUntilHandshaken", long.class);
		method.invoke(this.decoder, limit);
	}

}
