package dev.agentry.core.zmq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

import org.zeromq.ZMQ;

/**
 * The sockets a {@link ZmqLoop} waits on, with the same calls as JeroMQ's {@code ZMQ.Poller}
 * ({@code register}, {@code pollin}, {@code unregister}, {@code getSize}, {@code getSocket};
 * indices close up on unregister as they do there), but without its {@code poll}: the loop
 * selects on each socket's command channel ({@code ZMQ_FD}) itself and asks the socket
 * ({@code ZMQ_EVENTS}) what it holds, as libzmq's documentation says to use {@code ZMQ_FD}.
 * <p>
 * Why not {@code ZMQ.poll}: it reports every registered key, not only those its select chose
 * (zmq.ZMQ lines 1064-1066), so a key that was not selected keeps its old ready set and a raw
 * channel polled with sockets (a wake-up pipe) looks readable while it is empty; on stock
 * JeroMQ 0.6.0, whose {@code Signaler} can leave a byte in a socket's command channel with
 * its counters even, it then loops inside {@code poll} where nobody can back off; and every
 * call copies the selector's keys into a new map and selects at least twice. Here a
 * readiness is always asked of the socket, and the loop decides what to do about a select
 * that found nothing (see {@link ZmqLoop}).
 * <p>
 * Only {@code POLLIN} is supported: no loop of agent-core waits to send. Used on the loop's
 * thread only.
 */
public final class SocketPoller {

	public static final int POLLIN = ZMQ.Poller.POLLIN;

	private final Selector selector;

	private final List<ZMQ.Socket> sockets = new ArrayList<>();

	private final List<SelectionKey> keys = new ArrayList<>();

	SocketPoller(Selector selector) {
		this.selector = selector;
	}

	/** Watches a socket for input; returns its index, for {@link #pollin(int)}. */
	public int register(ZMQ.Socket socket, int events) {
		if (events != POLLIN) {
			throw new IllegalArgumentException("Only POLLIN is supported, not " + events);
		}
		try {
			this.keys.add(socket.getFD().register(this.selector, SelectionKey.OP_READ));
		}
		catch (ClosedChannelException ex) {
			throw new UncheckedIOException("The socket is closed", ex);
		}
		this.sockets.add(socket);
		return this.sockets.size() - 1;
	}

	/** Stops watching a socket; the sockets registered after it move down one index. */
	public void unregister(ZMQ.Socket socket) {
		int index = this.sockets.indexOf(socket);
		if (index < 0) {
			return;
		}
		this.sockets.remove(index);
		this.keys.remove(index).cancel();
	}

	/**
	 * Whether the socket at this index has a message to receive now. It processes the
	 * socket's pending commands (a new connection's pipe, an activation) as
	 * {@code ZMQ_EVENTS} does, so it is never stale. A socket whose context is terminated
	 * counts as readable, so that its owner's receive meets the termination.
	 */
	public boolean pollin(int index) {
		int events = this.sockets.get(index).getEvents();
		return events < 0 || (events & POLLIN) != 0;
	}

	/** Whether any socket has a message to receive now. */
	public boolean anyIn() {
		for (int i = 0; i < this.sockets.size(); i++) {
			if (pollin(i)) {
				return true;
			}
		}
		return false;
	}

	public int getSize() {
		return this.sockets.size();
	}

	public ZMQ.Socket getSocket(int index) {
		return this.sockets.get(index);
	}

	/** Waits for a command on any socket's channel, a {@link Selector#wakeup()} or the timeout. */
	int select(long timeoutMillis) {
		try {
			int selected;
			if (timeoutMillis < 0) {
				selected = this.selector.select();
			}
			else if (timeoutMillis == 0) {
				selected = this.selector.selectNow();
			}
			else {
				selected = this.selector.select(timeoutMillis);
			}
			this.selector.selectedKeys().clear();
			return selected;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
