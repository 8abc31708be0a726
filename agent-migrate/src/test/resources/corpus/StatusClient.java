package com.example.legacy;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** Asks the status service and prints every answer until stopped. */
public class StatusClient {

    private final ZContext context;
    private boolean stopped;

    public StatusClient(ZContext context) {
        this.context = context;
    }

    public void follow(String endpoint) {
        try (ZMQ.Socket dealer = context.createSocket(SocketType.DEALER)) {
            dealer.setLinger(500);
            dealer.connect(endpoint);
            while (!stopped) {
                dealer.send("status");
                ZMsg reply = ZMsg.recvMsg(dealer);
                System.out.println(reply);
            }
        }
    }

    public void stop() {
        stopped = true;
    }
}
