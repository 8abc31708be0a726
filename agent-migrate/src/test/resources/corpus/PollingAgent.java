package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A main-style agent written with care: the context is closed by try-with-resources, the loop
 * polls with a timeout on a volatile flag. Only its shutdown hook is hand-written, and that one
 * does more than call a clean-up method, so migrate leaves it to a person.
 */
public final class PollingAgent {

    private static volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running = false;
            try {
                main.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (ZContext context = new ZContext()) {
            ZMQ.Socket pull = context.createSocket(SocketType.PULL);
            pull.setLinger(1000);
            pull.bind("tcp://*:5590");
            ZMQ.Poller poller = context.createPoller(1);
            poller.register(pull, ZMQ.Poller.POLLIN);
            while (running) {
                if (poller.poll(250) > 0 && poller.pollin(0)) {
                    System.out.println(pull.recvStr());
                }
            }
        }
    }
}
