package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import jakarta.annotation.PreDestroy;

/** Installs its own TERM/INT handling so that the socket is closed before the JVM exits. */
public class SignalAgent {

    private final ZContext context = new ZContext();
    private final ZMQ.Socket socket;
    private volatile boolean running = true;

    public SignalAgent(String endpoint) {
        socket = context.createSocket(SocketType.PULL);
        socket.setLinger(0);
        socket.setReceiveTimeOut(250);
        socket.connect(endpoint);
    }

    public void install() {
    }

    public void run() {
        while (running) {
            String work = socket.recvStr();
            if (work != null) {
                System.out.println("work: " + work);
            }
        }
    }

    @PreDestroy
    void shutdown() {
        running = false;
        socket.close();
        context.close();
    }
}
