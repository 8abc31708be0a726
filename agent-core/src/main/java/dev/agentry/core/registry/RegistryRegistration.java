package dev.agentry.core.registry;

import java.time.Duration;
import java.util.function.Supplier;

import dev.agentry.core.AgentState;
import dev.agentry.core.AgentStatus;
import dev.agentry.core.shutdown.DrainListener;
import dev.agentry.core.shutdown.Step;
import dev.agentry.core.worker.AgentWorker;
import dev.agentry.core.worker.WorkerContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps this agent registered: registers once it is ready, heartbeats every interval,
 * registers again when the registry has forgotten it (a registry restart), and deregisters
 * at step 0 of the shutdown, before the delay, so that peers stop routing to it while it
 * drains. Runs on its own worker thread, so a registry that is down slows nothing.
 */
final class RegistryRegistration implements AgentWorker, DrainListener {

	private static final Log logger = LogFactory.getLog(RegistryRegistration.class);

	private static final Duration UNREGISTERED_RETRY = Duration.ofMillis(250);

	private final RegistryClient registry;

	private final AgentStatus status;

	private final Supplier<RegisteredInstance> self;

	private final Duration heartbeatInterval;

	private volatile boolean registered;

	private volatile boolean deregistered;

	/**
	 * @param self this agent as it registers, looked up once it is ready (when its ports are bound)
	 */
	public RegistryRegistration(RegistryClient registry, AgentStatus status, Supplier<RegisteredInstance> self,
			Duration heartbeatInterval) {
		this.registry = registry;
		this.status = status;
		this.self = self;
		this.heartbeatInterval = heartbeatInterval;
	}

	@Override
	public String name() {
		return "registry-heartbeat";
	}

	@Override
	public void run(WorkerContext context) {
		while (context.isRunning()) {
			if (this.status.state() == AgentState.READY && !this.deregistered) {
				keepRegistered();
			}
			if (!context.sleep(this.registered ? this.heartbeatInterval : UNREGISTERED_RETRY)) {
				return;
			}
		}
	}

	private void keepRegistered() {
		RegisteredInstance instance = this.self.get();
		if (this.registered) {
			var known = this.registry.heartbeat(instance.service(), instance.instance());
			if (known.isEmpty() || known.get()) {
				return;
			}
			this.registered = false;
			if (this.deregistered) {
				return;
			}
			logger.info("The registry has forgotten " + instance.instance() + "; registering again");
		}
		if (this.registry.register(instance)) {
			this.registered = true;
			if (this.deregistered) {
				// The drain began while this registration was on its way: take it back.
				this.registry.deregister(instance.service(), instance.instance());
				this.registered = false;
				return;
			}
			logger.info("Registered " + instance.service() + "/" + instance.instance() + " at " + instance.endpoint());
		}
	}

	@Override
	public void onDrainStart() {
		this.deregistered = true;
		if (!this.registered) {
			return;
		}
		RegisteredInstance instance = this.self.get();
		boolean done = this.registry.deregister(instance.service(), instance.instance());
		this.registered = false;
		logger.info(Step.DELAY.prefix() + ": " + (done ? "deregistered from" : "could not reach") + " the registry");
	}

}
