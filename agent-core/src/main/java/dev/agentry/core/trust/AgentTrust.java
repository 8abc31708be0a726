package dev.agentry.core.trust;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import dev.agentry.core.AgentProperties;
import dev.agentry.core.zmq.ZmqContextLifecycle;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** Turns {@code agent.zmq.curve.*} into the agent's CURVE identity and ZAP handler, or fails start-up. */
public final class AgentTrust {

	private static final Log logger = LogFactory.getLog(AgentTrust.class);

	/** How soon a change of the authorized-keys directory is seen: a new key is accepted within it. */
	static final Duration AUTHORIZED_KEYS_RECHECK = Duration.ofSeconds(1);

	private AgentTrust() {
	}

	/** The agent's CURVE settings, off when no certificate is set; fails start-up on a bad setting. */
	public static CurveTrust of(AgentProperties.Curve settings) {
		if (settings == null || !settings.enabled()) {
			return CurveTrust.off();
		}
		if (settings.authorizedKeys() == null || settings.authorizedKeys().isBlank()) {
			throw new IllegalArgumentException("agent.zmq.curve.certificate is set but agent.zmq.curve.authorized-keys "
					+ "is not: with CURVE on, the directory of the public certificates allowed to connect is required");
		}
		Curve curve = new Curve(CurveCertificate.loadSecret(Path.of(settings.certificate().trim())));
		AuthorizedKeys keys = new AuthorizedKeys(Path.of(settings.authorizedKeys().trim()), AUTHORIZED_KEYS_RECHECK)
			.loadOrFail();
		logger.info("CURVE on: every socket is encrypted and authenticated; this agent's public key is "
				+ curve.publicKey() + " (services " + curve.certificate().services() + "), " + keys.size()
				+ " authorized key(s) in " + settings.authorizedKeys().trim());
		return CurveTrust.on(curve, keys);
	}

	/**
	 * With CURVE on, starts the ZAP handler that authenticates every CURVE server socket: bound
	 * before the first of them binds (every socket comes from the {@code ZmqSockets} made after
	 * it) and closed after the last one, with the context.
	 */
	public static void startZapHandler(ZmqContextLifecycle context, CurveTrust trust, ZapHandler.Denials denials,
			Consumer<Throwable> onCrash) {
		if (!trust.enabled()) {
			return;
		}
		ZapHandler zap = new ZapHandler(context.context(), trust.authorizedKeys(), trust.curve().publicKey(), denials,
				onCrash);
		zap.start();
		context.closeLast(() -> zap.stop(ZmqContextLifecycle.CLOSE_LAST_BOUND));
	}

	/** The registry's pinned key; required with CURVE when the agent talks to a registry. */
	public static String registryKey(AgentProperties properties) {
		String key = properties.registry().publicKey();
		if (!properties.zmq().curve().enabled()) {
			return null;
		}
		if (!CurveKeys.isKey((key != null) ? key.trim() : null)) {
			throw new IllegalArgumentException("agent.registry.public-key must be the registry's CURVE public key "
					+ "(40 Z85 characters) when CURVE is on and agent.registry.endpoint is set");
		}
		return key.trim();
	}

}
