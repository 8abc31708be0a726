package com.example.legacy;

import org.springframework.context.SmartLifecycle;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A hand-written SmartLifecycle that already stops cleanly: no findings expected. */
public class LifecycleWorker implements SmartLifecycle {

    private final ZContext context;
    private volatile boolean running;
    private Thread thread;

    public LifecycleWorker(ZContext context) {
        this.context = context;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::work, "lifecycle-worker");
        thread.start();
    }

    private void work() {
        try (ZMQ.Socket pull = context.createSocket(SocketType.PULL)) {
            pull.setLinger(1000);
            pull.setReceiveTimeOut(200);
            pull.connect("tcp://127.0.0.1:5591");
            while (running) {
                String message = pull.recvStr();
                if (message != null) {
                    System.out.println(message);
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
