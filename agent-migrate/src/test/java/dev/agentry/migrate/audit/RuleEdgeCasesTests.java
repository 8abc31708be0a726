package dev.agentry.migrate.audit;

import java.nio.file.Path;
import java.util.List;

import dev.agentry.migrate.rewrite.Migrator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the rules must not report, and the variants the corpus does not show. */
class RuleEdgeCasesTests {

	private List<String> rules(String source) {
		return new Auditor().audit(Path.of("Example.java"), source)
			.stream()
			.flatMap((type) -> type.findings().stream())
			.map((finding) -> finding.rule().id())
			.toList();
	}

	@Test
	void exitInMainItselfIsAllowedButNotInALambdaThere() {
		assertThat(rules("class A { public static void main(String[] args) { System.exit(2); } }")).isEmpty();
		assertThat(rules("class A { public static void main(String[] args) { new Thread(() -> System.exit(2)).start(); } }"))
			.containsExactly("unmanaged-thread", "exit-outside-main");
		assertThat(rules("class A { void f() { Runtime.getRuntime().halt(1); } }")).containsExactly("exit-outside-main");
	}

	@Test
	void virtualAndBuiltThreadsAreThreadsToo() {
		assertThat(rules("""
				class A {
				    void f(Runnable r) { Thread.startVirtualThread(r); Thread.ofPlatform().name("p").start(r); }
				}
				""")).containsExactly("unmanaged-thread", "unmanaged-thread");
	}

	@Test
	void resourcesClosedByTryOrHandedToSpringAreManaged() {
		assertThat(rules("""
				class A {
				    void f() { try (ZContext c = new ZContext(); ExecutorService e = Executors.newCachedThreadPool()) { } }
				    @Bean ExecutorService pool() { return Executors.newFixedThreadPool(2); }
				    @Bean ThreadFactory factory() { return (r) -> new Thread(r, "worker"); }
				}
				""")).isEmpty();
	}

	@Test
	void releasesCountWhenALifecycleMethodCallsAHelperThatDoesThem() {
		assertThat(rules("""
				class A implements AutoCloseable {
				    private final ZContext context = new ZContext();
				    private final ExecutorService pool = Executors.newSingleThreadExecutor();
				    private final Thread thread = new Thread(this::run);
				    void run() { }
				    @Override public void close() { release(); }
				    private void release() { pool.shutdown(); thread.join(1000); context.close(); }
				}
				""")).isEmpty();
	}

	@Test
	void aSocketOwnedByOneThreadIsNotShared() {
		assertThat(rules("""
				class A {
				    private ZMQ.Socket socket;
				    private final Thread thread = new Thread(this::loop);
				    A(ZContext context) { socket = context.createSocket(SocketType.PULL); socket.setLinger(0); }
				    private void loop() { socket.setReceiveTimeOut(100); socket.recv(); }
				    void close() throws InterruptedException { thread.join(); }
				}
				""")).isEmpty();
	}

	@Test
	void aSocketUsedInTwoThreadBodiesIsSharedHeuristically() {
		List<String> found = rules("""
				class A {
				    private ZMQ.Socket socket;
				    void start(ExecutorService pool) {
				        pool.submit(() -> socket.send("a"));
				        pool.submit(() -> socket.send("b"));
				    }
				}
				""");
		assertThat(found).containsExactly("shared-socket");
	}

	@Test
	void internalSignalAndLegacyContextsAreRecognised() {
		assertThat(rules("""
				class A {
				    private final ZMQ.Context context = ZMQ.context(1);
				    void f() { jdk.internal.misc.Signal.handle(new jdk.internal.misc.Signal("TERM"), (s) -> { }); }
				}
				""")).containsExactly("missing-lifecycle", "unclosed-context", "signal-handler");
	}

	@Test
	void loopsOnVolatileFlagsOrInterruptsAreNotFlaggedAsPlainFlags() {
		assertThat(rules("""
				class A {
				    private volatile boolean running = true;
				    private boolean once;
				    void f() { while (running) { } for (int i = 0; i < 3; i++) { } }
				    void g() { for (;;) { } }
				    void h() { do { } while (!this.once); }
				}
				""")).containsExactly("endless-loop", "non-volatile-flag");
	}

	@Test
	void whileTrueWithAWayOutIsADrainLoopNotAnEndlessOne() {
		assertThat(rules("""
				class A {
				    byte[] drain(ZMQ.Socket s) { while (true) { byte[] m = s.recv(ZMQ.DONTWAIT); if (m == null) { return null; } } }
				    void retry() { for (int i = 0;; i++) { if (i > 3) { break; } } }
				    void inner() { while (true) { for (int i = 0; i < 3; i++) { break; } Runnable r = () -> { return; }; } }
				}
				""")).containsExactly("endless-loop");
	}

	@Test
	void aHookThreadInAVariableIsReportedOnceAsAHook() {
		assertThat(rules("""
				class A {
				    public static void main(String[] args) {
				        Thread hook = new Thread(() -> System.out.println("bye"));
				        Runtime.getRuntime().addShutdownHook(hook);
				    }
				}
				""")).containsExactly("shutdown-hook");
	}

	@Test
	void aSocketHandedInAsAParameterLeavesTimeoutsToTheCaller() {
		assertThat(rules("class A { static byte[] rest(ZMQ.Socket socket) { return socket.recv(0); } }")).isEmpty();
		assertThat(rules("class A { ZMQ.Socket socket; byte[] next() { return socket.recv(0); } }"))
			.containsExactly("blocking-recv");
	}

	@Test
	void aClassWithAnotherPreDestroyKeepsItsHookAsAFinding() {
		String source = """
				import jakarta.annotation.PreDestroy;
				class A {
				    A() {
				        Runtime.getRuntime().addShutdownHook(new Thread(() -> flush()));
				    }
				    void flush() { }
				    @PreDestroy void close() { }
				}
				""";
		assertThat(new Migrator().migrate(source).orElseThrow().changed()).isFalse();
		assertThat(new Auditor().audit(Path.of("A.java"), source).get(0).findings().get(0).fix())
			.startsWith("Move the clean-up into a @PreDestroy method");
	}

	@Test
	void aThreadHeldInAnotherObjectsFieldCountsAsJoinedThroughThatField() {
		assertThat(rules("""
				class A {
				    static class Holder { Thread thread; }
				    private final Holder holder = new Holder();
				    void start() { holder.thread = new Thread(() -> { }); holder.thread.start(); }
				    void stop() throws InterruptedException { holder.thread.interrupt(); holder.thread.join(); }
				}
				""")).isEmpty();
		assertThat(rules("""
				class A {
				    static class Holder { Thread thread; }
				    private final Holder holder = new Holder();
				    void start() { holder.thread = new Thread(() -> { }); holder.thread.start(); }
				}
				""")).containsExactly("unmanaged-thread");
	}

	@Test
	void aPlainFlagCountsOnlyWhenSomethingOutsideTheLoopsOwnCodeWritesItOrNothingDoes() {
		String ownWrites = """
				class A implements Runnable {
				    private boolean running;
				    public void run() { running = true; while (running && !Thread.interrupted()) { step(); } running = false; }
				    void step() { }
				}
				""";
		assertThat(rules(ownWrites)).doesNotContain("non-volatile-flag");
		String stopWrites = ownWrites.replace("void step() { }", "void step() { }\n    void stop() { running = false; }");
		assertThat(rules(stopWrites)).contains("non-volatile-flag");
		assertThat(rules("class A { private boolean running = true; void run() { while (running) { } } }"))
			.contains("non-volatile-flag");
		// two nested classes with a field of the same name: each one's writes are its own
		assertThat(rules(ownWrites.replace("class A implements Runnable {", "class A {\n  class B implements Runnable {")
			.replace("void step() { }\n}", "void step() { }\n  }\n  class C { boolean running; void run() { while (running) { } running = false; } }\n}")))
			.doesNotContain("non-volatile-flag");
	}

	@Test
	void socketsHandedBackToTheCallerAreTheCallersToClose() {
		assertThat(rules("""
				class A {
				    private ZMQ.Socket monitor;
				    List<ZMQ.Socket> createSockets(ZContext ctx) {
				        monitor = ctx.createSocket(SocketType.PAIR);
				        return Collections.singletonList(monitor);
				    }
				}
				""")).doesNotContain("missing-lifecycle");
		assertThat(rules("""
				class A {
				    private ZMQ.Socket monitor;
				    void open(ZContext ctx) { monitor = ctx.createSocket(SocketType.PAIR); }
				}
				""")).contains("missing-lifecycle");
	}

}
