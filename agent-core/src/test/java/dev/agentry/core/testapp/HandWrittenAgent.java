package dev.agentry.core.testapp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The kind of agent Agentry replaces, for tests that must see the kit fail: a hand-written
 * JeroMQ ROUTER that answers health checks at once and queues real work for later, with a
 * readiness endpoint and no shutdown handling at all. SIGTERM ends the JVM on the spot: the
 * work in flight is never answered and no report is written.
 */
public final class HandWrittenAgent {

	private HandWrittenAgent() {
	}

	public static void main(String[] args) throws IOException {
		int httpPort = Integer.parseInt(option(args, "server.port"));
		String bind = option(args, "agent.endpoint.bind");
		HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
		http.createContext("/actuator/health/readiness", (exchange) -> {
			byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		http.start();
		try (ZContext context = new ZContext()) {
			ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
			router.setLinger(0);
			router.bind(bind);
			List<ZMsg> queued = new ArrayList<>();
			while (true) {
				ZMsg request = ZMsg.recvMsg(router);
				if (request.getLast().toString().contains("health_check")) {
					request.getLast().reset("{\"status\":\"ok\",\"state\":\"ready\"}");
					request.send(router);
				}
				else {
					// "Later": never, as it turns out.
					queued.add(request);
				}
			}
		}
	}

	private static String option(String[] args, String name) {
		for (String arg : args) {
			if (arg.startsWith("--" + name + "=")) {
				return arg.substring(name.length() + 3);
			}
		}
		throw new IllegalArgumentException("--" + name + " is required");
	}

}
