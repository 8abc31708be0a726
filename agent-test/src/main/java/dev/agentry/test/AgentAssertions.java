package dev.agentry.test;

/** Entry point for the kit's AssertJ assertions: {@code assertThat(result).isClean()}. */
public final class AgentAssertions {

	private AgentAssertions() {
	}

	public static ShutdownResultAssert assertThat(ShutdownResult actual) {
		return new ShutdownResultAssert(actual);
	}

}
