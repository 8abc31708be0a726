package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Sends "alive" to the monitor every second from a background thread. */
public class HeartbeatAgent {

    private final ZContext context;
    private final String monitor;
    private boolean running = true;
    private final Thread thread = new Thread(this::beat, "heartbeat");

    public HeartbeatAgent(ZContext context, String monitor) {
        this.context = context;
        this.monitor = monitor;
    }

    public void start() {
        thread.start();
    }

    private void beat() {
        try (ZMQ.Socket push = context.createSocket(SocketType.PUSH)) {
            push.connect(monitor);
            while (running) {
                push.send("alive");
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    // ignore, we check the flag
                }
            }
        }
    }

    public void stop() {
        running = false;
        thread.interrupt();
    }
}
