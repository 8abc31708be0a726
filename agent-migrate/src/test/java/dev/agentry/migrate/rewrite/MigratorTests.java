package dev.agentry.migrate.rewrite;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Rewrites on small sources: the layouts the corpus does not show. */
class MigratorTests {

	private String migrate(String source) {
		return new Migrator().migrate(source).orElseThrow().migrated();
	}

	@Test
	void aHookInALambdaFormInAnInstanceMethodIsMigratedWithTabsKept() {
		String source = "class A {\n\tvoid start() {\n\t\tRuntime.getRuntime().addShutdownHook(new Thread(() -> {\n\t\t\tthis.stop();\n\t\t}));\n\t\trun();\n\t}\n\tvoid run() { }\n\tvoid stop() { }\n}\n";
		assertThat(migrate(source)).isEqualTo(
				"import jakarta.annotation.PreDestroy;\n\nclass A {\n\tvoid start() {\n\t\trun();\n\t}\n\tvoid run() { }\n\t@PreDestroy\n\tvoid stop() { }\n}\n");
	}

	@Test
	void anInlineCatchGetsTheFlagRestoredOnItsOwnLine() {
		String source = "class A {\n    void f() {\n        try { Thread.sleep(1); } catch (InterruptedException e) {}\n    }\n}\n";
		assertThat(migrate(source)).isEqualTo(
				"class A {\n    void f() {\n        try { Thread.sleep(1); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }\n    }\n}\n");
	}

	@Test
	void windowsLineEndingsStayWindowsLineEndings() {
		String source = "class A {\r\n    A(ZMQ.Context context) {\r\n        ZMQ.Socket s = context.socket(SocketType.PUB);\r\n        Runtime.getRuntime().addShutdownHook(new Thread(this::close));\r\n    }\r\n    void close() { }\r\n}\r\n";
		assertThat(migrate(source)).isEqualTo("import jakarta.annotation.PreDestroy;\r\n\r\nclass A {\r\n    A(ZMQ.Context context) {\r\n        ZMQ.Socket s = context.socket(SocketType.PUB);\r\n        s.setLinger(1000);\r\n    }\r\n    @PreDestroy\r\n    void close() { }\r\n}\r\n");
	}

	@Test
	void aCatchWithOnlyACommentKeepsItAndRestoresTheFlagBelowIt() {
		String source = "class A {\n    void f() {\n        try {\n            Thread.sleep(1);\n        } catch (InterruptedException e) {\n            // nothing to do\n        }\n    }\n}\n";
		assertThat(migrate(source)).isEqualTo("class A {\n    void f() {\n        try {\n            Thread.sleep(1);\n        } catch (InterruptedException e) {\n            // nothing to do\n            Thread.currentThread().interrupt();\n        }\n    }\n}\n");
	}

	@Test
	void aHookForAnotherObjectAndASignalHandlerThatDoesMoreStayAsTheyAre() {
		String source = """
				class A {
				    public static void main(String[] args) {
				        A a = new A();
				        Runtime.getRuntime().addShutdownHook(new Thread(a::close));
				    }
				    void install() {
				        Signal.handle(new Signal("TERM"), (s) -> { close(); notifyOperators(); });
				    }
				    void close() { }
				    void notifyOperators() { }
				}
				""";
		assertThat(new Migrator().migrate(source).orElseThrow().changed()).isFalse();
	}

}
