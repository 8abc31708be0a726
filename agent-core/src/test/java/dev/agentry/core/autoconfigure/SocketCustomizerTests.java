package dev.agentry.core.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.agentry.core.client.AgentClient;
import dev.agentry.core.endpoint.RequestEndpoints;
import dev.agentry.core.client.AgentClients;
import dev.agentry.core.endpoint.RequestEndpoint;
import dev.agentry.core.stream.ManagedStream;
import dev.agentry.core.zmq.SocketRole;
import dev.agentry.core.zmq.ZmqSocketCustomizer;
import dev.agentry.core.zmq.ZmqSockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.zeromq.inbound.ZeroMqMessageProducer;
import org.springframework.integration.zeromq.outbound.ZeroMqMessageHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SocketCustomizerTests {

	private static final Duration GENEROUS = Duration.ofSeconds(30);

	@TempDir
	Path reports;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AgentAutoConfiguration.class))
			.withPropertyValues("agent.endpoint.bind=tcp://127.0.0.1:*", "agent.health.bind=tcp://127.0.0.1:*",
					"agent.zmq.linger=100ms", "agent.zmq.max-message-size=64KB", "agent.zmq.handshake-timeout=3s",
					"agent.shutdown.drain-timeout=2s",
					"agent.shutdown.report-file=" + this.reports.resolve("last-shutdown.json"));
	}

	@Test
	void customizerBeansSeeEverySocketOfTheAgentInTheirOrderAfterTheAgentSettings() {
		this.runner().withUserConfiguration(Customizers.class, Streams.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Seen seen = context.getBean(Seen.class);
			String main = context.getBean(RequestEndpoints.class)
				.get(RequestEndpoint.MAIN)
				.orElseThrow()
				.boundEndpoint();
			AgentClient client = context.getBean(AgentClients.class).create("peer", List.of(main));
			assertThat(client.call(JsonMapper.builder().build().createObjectNode().put("action", "health_check"),
					GENEROUS)
				.path("status")
				.asString()).isEqualTo("ok");
			await().atMost(GENEROUS)
				.untilAsserted(() -> assertThat(seen.sockets).contains(
						"first main ROUTER BIND linger=100 max=65536 handshake=3000",
						"second main ROUTER BIND linger=100 max=65536 handshake=3000",
						"first health ROUTER BIND linger=100 max=65536 handshake=3000",
						"second health ROUTER BIND linger=100 max=65536 handshake=3000",
						"first client-peer DEALER CONNECT linger=100 max=65536 handshake=3000",
						"second client-peer DEALER CONNECT linger=100 max=65536 handshake=3000",
						"first events PUB BIND linger=100 max=-1 handshake=3000",
						"second events PUB BIND linger=100 max=-1 handshake=3000",
						"first events-in SUB CONNECT linger=100 max=65536 handshake=3000",
						"second events-in SUB CONNECT linger=100 max=65536 handshake=3000"));
			// One thread customizes one socket at a time: each name's calls are in order.
			for (String name : List.of("main", "health", "client-peer", "events", "events-in")) {
				assertThat(seen.sockets).filteredOn((line) -> line.split(" ")[1].equals(name))
					.extracting((line) -> line.split(" ")[0])
					.startsWith("first", "second");
			}
		});
	}

	@Test
	void aCustomizerBeanThatThrowsFailsTheAgentsStartAndNamesItself() {
		this.runner().withBean("brokenCustomizer", ZmqSocketCustomizer.class, () -> (socket, role, name) -> {
			if (name.equals("main")) {
				throw new IllegalStateException("refuses the main endpoint");
			}
		}).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessage("refuses the main endpoint");
			assertThat(context.getStartupFailure()).hasStackTraceContaining("Socket customizer")
				.hasStackTraceContaining("failed on socket 'main' (bind)");
		});
	}

	static final class Seen {

		final List<String> sockets = new CopyOnWriteArrayList<>();

		ZmqSocketCustomizer recorder(String customizer) {
			return (socket, role, name) -> this.sockets.add(customizer + " " + name + " " + socket.getSocketType() + " "
					+ role.side() + " linger=" + socket.getLinger() + " max=" + socket.getMaxMsgSize() + " handshake="
					+ socket.getHandshakeIvl());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		Seen seen() {
			return new Seen();
		}

		// Declared in the opposite order on purpose: @Order decides.
		@Bean
		@Order(2)
		ZmqSocketCustomizer secondCustomizer(Seen seen) {
			return seen.recorder("second");
		}

		@Bean
		@Order(1)
		ZmqSocketCustomizer firstCustomizer(Seen seen) {
			return seen.recorder("first");
		}

	}

	/** spring-integration-zeromq streams, bridged as the samples do it. */
	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class Streams {

		static final String ADDRESS = "inproc://socket-customizer-tests-events";

		@Bean
		ManagedStream events(ZmqSockets sockets, BeanFactory beanFactory) {
			ZeroMqMessageHandler publisher = new ZeroMqMessageHandler(sockets.context(), () -> "inproc://unused",
					SocketType.PUB);
			publisher.setSocketConfigurer((socket) -> {
				sockets.configureServer(socket, "events");
				socket.bind(ADDRESS);
			});
			publisher.setBeanFactory(beanFactory);
			publisher.afterPropertiesSet();
			return ManagedStream.of("events", publisher);
		}

		@Bean
		ManagedStream eventsIn(ZmqSockets sockets, BeanFactory beanFactory) {
			ZeroMqMessageProducer subscriber = new ZeroMqMessageProducer(sockets.context(), SocketType.SUB);
			subscriber.setConnectUrl(ADDRESS);
			subscriber.setSocketConfigurer((socket) -> sockets.configureClient(socket, "events-in", null));
			subscriber.setOutputChannelName("nullChannel");
			subscriber.setBeanFactory(beanFactory);
			subscriber.afterPropertiesSet();
			return ManagedStream.of("events-in", subscriber);
		}

	}

}
