package dev.agentry.core.trust;

import java.util.Optional;
import java.util.Set;

/**
 * What the application may ask of the agent's CURVE settings: whether CURVE is on, this
 * agent's public key, and what a peer's certificate grants (its {@code services}), for an
 * agent that authorizes actions by caller (the service registry).
 */
public final class CurveTrust {

	private static final CurveTrust OFF = new CurveTrust(null, null);

	private final Curve curve;

	private final AuthorizedKeys keys;

	private CurveTrust(Curve curve, AuthorizedKeys keys) {
		this.curve = curve;
		this.keys = keys;
	}

	public static CurveTrust off() {
		return OFF;
	}

	public static CurveTrust on(Curve curve, AuthorizedKeys keys) {
		return new CurveTrust(curve, keys);
	}

	public boolean enabled() {
		return this.curve != null;
	}

	/** This agent's CURVE identity, or {@code null} when CURVE is off. */
	public Curve curve() {
		return this.curve;
	}

	/** The authorized keys, or {@code null} when CURVE is off. */
	public AuthorizedKeys authorizedKeys() {
		return this.keys;
	}

	/**
	 * The services that the certificate of {@code publicKey} grants (its metadata
	 * {@code services}); empty when the key is not authorized or CURVE is off.
	 */
	public Set<String> services(String publicKey) {
		if (this.keys == null || publicKey == null) {
			return Set.of();
		}
		if (this.curve != null && publicKey.equals(this.curve.publicKey())) {
			return this.curve.certificate().services();
		}
		Optional<Set<String>> granted = this.keys.lookup(publicKey);
		return granted.orElse(Set.of());
	}

}
