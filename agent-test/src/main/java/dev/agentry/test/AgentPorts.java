package dev.agentry.test;

import java.util.ArrayList;
import java.util.List;

/** An agent's three loopback ports: HTTP (Actuator), request endpoint and health socket. */
public record AgentPorts(int http, int endpoint, int health) {

	/** Three ports that are free right now. */
	public static AgentPorts free() {
		return new AgentPorts(FreePorts.next(), FreePorts.next(), FreePorts.next());
	}

	/** The ports that something still holds, empty when all three can be bound again. */
	public List<Integer> busy() {
		List<Integer> busy = new ArrayList<>();
		for (int port : List.of(this.http, this.endpoint, this.health)) {
			if (!FreePorts.isFree(port)) {
				busy.add(port);
			}
		}
		return busy;
	}

}
