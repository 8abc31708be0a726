package dev.agentry.core.trust;

import org.zeromq.ZMQ;

/**
 * This agent's CURVE identity, applied to its sockets: every socket it binds is a CURVE
 * server that ZAP authenticates (its ZAP domain names the socket in refusal counts), every
 * socket it connects is a CURVE client that pins the server's public key, so that a peer
 * that does not hold the key it claims cannot complete a handshake.
 */
public final class Curve {

	private final CurveCertificate certificate;

	private final byte[] publicKey;

	private final byte[] secretKey;

	public Curve(CurveCertificate certificate) {
		if (certificate.secretKey() == null) {
			throw new IllegalArgumentException("A CURVE identity needs a secret certificate");
		}
		this.certificate = certificate;
		this.publicKey = CurveKeys.decode(certificate.publicKey());
		this.secretKey = CurveKeys.decode(certificate.secretKey());
	}

	/** This agent's public key (Z85): what it registers and what its peers pin. */
	public String publicKey() {
		return this.certificate.publicKey();
	}

	public CurveCertificate certificate() {
		return this.certificate;
	}

	/** Makes a socket that will bind a CURVE server; call before {@code bind}. */
	public void server(ZMQ.Socket socket, String socketName) {
		socket.setCurveServer(true);
		socket.setCurvePublicKey(this.publicKey);
		socket.setCurveSecretKey(this.secretKey);
		// A ZAP domain makes the handshake fail closed when no ZAP handler answers (patch 8),
		// and tells the handler which socket refused whom.
		socket.setZapDomain(socketName);
	}

	/**
	 * Makes a socket that will connect a CURVE client of the server that holds
	 * {@code serverKey}; call before {@code connect}.
	 * @throws IllegalArgumentException when {@code serverKey} is not a Z85 key
	 */
	public void client(ZMQ.Socket socket, String serverKey) {
		if (!CurveKeys.isKey(serverKey)) {
			throw new IllegalArgumentException("no valid CURVE public key is known for this peer");
		}
		socket.setCurveServer(false);
		socket.setCurvePublicKey(this.publicKey);
		socket.setCurveSecretKey(this.secretKey);
		socket.setCurveServerKey(CurveKeys.decode(serverKey));
	}

}
