package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A ROUTER/DEALER broker that lives as long as the JVM: nothing ever stops it. */
public class RouterBroker {

    private final ZContext context = new ZContext();
    private final ZMQ.Socket frontend = context.createSocket(SocketType.ROUTER);
    private final ZMQ.Socket backend = context.createSocket(SocketType.DEALER);

    public void run(String front, String back) {
        frontend.bind(front);
        backend.bind(back);
        ZMQ.proxy(frontend, backend, null);
    }

    public static void main(String[] args) {
        new RouterBroker().run("tcp://*:5580", "tcp://*:5581");
    }
}
