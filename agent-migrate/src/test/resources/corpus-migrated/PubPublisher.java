package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/** Publishes prices: callers publish directly, a ticker thread publishes a heartbeat. */
public class PubPublisher implements AutoCloseable {

    private final ZMQ.Context context = ZMQ.context(1);
    private ZMQ.Socket socket;
    private Thread ticker;

    public void start(String endpoint) {
        socket = context.socket(SocketType.PUB);
        socket.setLinger(1000);
        socket.bind(endpoint);
        ticker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                socket.send("tick");
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "ticker");
        ticker.start();
    }

    public void publish(String topic, String price) {
        socket.sendMore(topic);
        socket.send(price);
    }

    @Override
    public void close() {
        ticker.interrupt();
        socket.close();
    }
}
