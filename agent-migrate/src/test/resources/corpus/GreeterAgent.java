package com.example.migrated;

import java.time.Duration;
import java.util.Map;

import dev.agentry.core.endpoint.AgentAction;
import dev.agentry.core.worker.AgentWorker;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/** Already on agent-core: agent-core owns the sockets, the threads and the stop order. */
@Configuration
public class GreeterAgent {

    record Greet(String name) {}

    @Component
    static class Handlers {
        @AgentAction("greet")
        Map<String, Object> greet(Greet greet) {
            return Map.of("greeting", "hello " + greet.name());
        }
    }

    @Bean
    AgentWorker heartbeat() {
        return AgentWorker.periodic("heartbeat", Duration.ofSeconds(5), () -> System.out.println("alive"));
    }
}
