package dev.agentry.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.zeromq.ZCert;
import org.zeromq.ZMQ;

/**
 * A CURVE certificate pair written for a test, in the ZPL format that agents read
 * ({@code <name>.key} and {@code <name>.key_secret}), and a socket set up with it.
 */
public record TestCertificate(String name, String publicKey, String secretKey, Path publicFile, Path secretFile) {

	/** Writes a fresh pair into {@code dir}; {@code services} is the certificate's metadata (may be empty). */
	public static TestCertificate write(Path dir, String name, String services) {
		try {
			Files.createDirectories(dir);
			ZCert certificate = new ZCert();
			if (services != null && !services.isEmpty()) {
				certificate.setMeta("services", services);
			}
			Path publicFile = dir.resolve(name + ".key");
			Path secretFile = dir.resolve(name + ".key_secret");
			certificate.savePublic(publicFile.toString());
			certificate.saveSecret(secretFile.toString());
			return new TestCertificate(name, certificate.getPublicKeyAsZ85(), certificate.getSecretKeyAsZ85(), publicFile,
					secretFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A fresh key pair that is written nowhere: a stranger's. */
	public static TestCertificate unwritten(String name) {
		ZCert certificate = new ZCert();
		return new TestCertificate(name, certificate.getPublicKeyAsZ85(), certificate.getSecretKeyAsZ85(), null, null);
	}

	/** Makes {@code socket} a CURVE client of the server holding {@code serverKey}; before connect. */
	public void client(ZMQ.Socket socket, String serverKey) {
		socket.setCurvePublicKey(ZMQ.Curve.z85Decode(this.publicKey));
		socket.setCurveSecretKey(ZMQ.Curve.z85Decode(this.secretKey));
		socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
	}

	/** Copies the public certificate into an authorized-keys directory. */
	public Path authorizeIn(Path directory) {
		try {
			Files.createDirectories(directory);
			return Files.copy(this.publicFile, directory.resolve(this.name + ".key"),
					java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
