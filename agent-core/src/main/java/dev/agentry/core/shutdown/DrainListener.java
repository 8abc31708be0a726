package dev.agentry.core.shutdown;

/**
 * Told at step 0, when the agent starts to drain and before {@code agent.shutdown.delay}:
 * the place to deregister from a registry so that peers stop routing here. Must be quick
 * and must not throw; a failure is logged and the shutdown goes on.
 */
@FunctionalInterface
public interface DrainListener {

	void onDrainStart();

}
