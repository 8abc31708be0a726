package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import jakarta.annotation.PreDestroy;

/**
 * Legacy request/reply server: one REP socket, served forever on the main thread.
 */
public class RepServer {

    private final ZContext context;
    private ZMQ.Socket socket;

    public RepServer(String endpoint) {
        this.context = new ZContext();
        this.socket = context.createSocket(SocketType.REP);
        socket.bind(endpoint);
    }

    public void serve() {
        while (true) {
            String request = socket.recvStr();
            socket.send("echo:" + request); // reply in the same frame
        }
    }

    @PreDestroy
    public void close() {
        socket.close();
        context.close();
    }

    public static void main(String[] args) {
        new RepServer(args.length > 0 ? args[0] : "tcp://*:5570").serve();
    }
}
