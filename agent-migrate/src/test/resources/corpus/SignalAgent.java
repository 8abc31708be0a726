package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import sun.misc.Signal;
import sun.misc.SignalHandler;

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
        Signal.handle(new Signal("TERM"), signal -> {
            System.out.println("TERM received, shutting down");
            shutdown();
            System.exit(0);
        });
        Signal.handle(new Signal("INT"), new SignalHandler() {
            @Override
            public void handle(Signal signal) {
                System.exit(130);
            }
        });
    }

    public void run() {
        while (running) {
            String work = socket.recvStr();
            if (work != null) {
                System.out.println("work: " + work);
            }
        }
    }

    void shutdown() {
        running = false;
        socket.close();
        context.close();
    }
}
