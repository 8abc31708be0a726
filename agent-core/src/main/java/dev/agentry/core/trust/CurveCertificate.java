package dev.agentry.core.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import org.zeromq.ZConfig;

/**
 * A CURVE certificate in ZPL, the format of CZMQ's {@code zcert_save} and pyzmq's
 * {@code zmq.auth.create_certificates}: {@code curve/public-key}, {@code curve/secret-key}
 * (only in the secret file) and {@code metadata/services}, the comma-separated services its
 * holder may register as.
 *
 * @param publicKey Z85
 * @param secretKey Z85, or {@code null} for a public certificate
 */
public record CurveCertificate(String publicKey, String secretKey, Set<String> services) {

	/** A certificate file is a few hundred bytes; anything much larger is not one. */
	static final long MAX_FILE_SIZE = 64 * 1024;

	/** Loads this agent's own secret certificate; fails with a message that names the file. */
	public static CurveCertificate loadSecret(Path file) {
		CurveCertificate certificate = load(file);
		if (certificate.secretKey() == null) {
			throw new IllegalArgumentException("The CURVE certificate " + file + " has no curve/secret-key: "
					+ "agent.zmq.curve.certificate must name the secret file (<name>.key_secret), not the public one");
		}
		return certificate;
	}

	/** Loads a public or secret certificate file. */
	public static CurveCertificate load(Path file) {
		try {
			if (Files.size(file) > MAX_FILE_SIZE) {
				throw new IllegalArgumentException("The CURVE certificate " + file + " is over " + MAX_FILE_SIZE
						+ " bytes: not a certificate");
			}
			ZConfig config = ZConfig.load(file.toString());
			String publicKey = config.getValue("curve/public-key");
			String secretKey = config.getValue("curve/secret-key");
			if (!CurveKeys.isKey(publicKey)) {
				throw new IllegalArgumentException("The CURVE certificate " + file
						+ " has no valid curve/public-key (40 Z85 characters)");
			}
			if (secretKey != null && !CurveKeys.isKey(secretKey)) {
				throw new IllegalArgumentException("The CURVE certificate " + file
						+ " has an invalid curve/secret-key (40 Z85 characters)");
			}
			return new CurveCertificate(publicKey, secretKey, services(config.getValue("metadata/services", "")));
		}
		catch (IOException | ZConfig.ReadException ex) {
			throw new IllegalArgumentException("Cannot read the CURVE certificate " + file + ": " + ex.getMessage(), ex);
		}
	}

	static Set<String> services(String list) {
		Set<String> services = new LinkedHashSet<>();
		Arrays.stream(list.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).forEach(services::add);
		return Set.copyOf(services);
	}

	public boolean grants(String service) {
		return this.services.contains(service);
	}

	@Override
	public String toString() {
		// Never the secret key, in any log.
		return "CurveCertificate[publicKey=" + this.publicKey + ", services=" + this.services + "]";
	}

}
