package dev.agentry.samples.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.agentry.core.trust.CurveCertificate;
import dev.agentry.samples.keygen.Keygen;
import org.zeromq.ZMQ;

/**
 * The demo's CURVE keys, made with {@code keygen} in its temporary folder as a user would make
 * them: one certificate per agent, granting its own service, one for the demo's clients, and
 * an {@code authorized} folder that holds every public certificate.
 */
final class DemoKeys {

	/** The demo's own clients (load, health checks): they call agents, they register nothing. */
	static final String CLIENT = "demo-client";

	private final Path dir;

	private final Map<String, CurveCertificate> certificates = new LinkedHashMap<>();

	private DemoKeys(Path dir) {
		this.dir = dir;
	}

	/** Writes a certificate for each command and for the demo's client. */
	static DemoKeys generate(Path dir, List<String> commands) throws IOException {
		DemoKeys keys = new DemoKeys(dir);
		Path authorized = keys.authorizedKeys();
		Files.createDirectories(authorized);
		PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
		for (String name : concat(commands, CLIENT)) {
			String services = name.equals(CLIENT) ? "" : name;
			String[] args = services.isEmpty() ? new String[] { "--name=" + name, "--dir=" + dir }
					: new String[] { "--name=" + name, "--services=" + services, "--dir=" + dir };
			if (Keygen.run(args, quiet, quiet) != 0) {
				throw new IOException("keygen could not write the certificate of " + name + " in " + dir);
			}
			Files.copy(dir.resolve(name + ".key"), authorized.resolve(name + ".key"));
			keys.certificates.put(name, CurveCertificate.loadSecret(keys.secretFile(name)));
		}
		return keys;
	}

	private static List<String> concat(List<String> commands, String last) {
		List<String> all = new ArrayList<>(commands);
		all.add(last);
		return all;
	}

	Path dir() {
		return this.dir;
	}

	Path authorizedKeys() {
		return this.dir.resolve("authorized");
	}

	Path secretFile(String name) {
		return this.dir.resolve(name + ".key_secret");
	}

	String publicKey(String name) {
		return this.certificates.get(name).publicKey();
	}

	/** The properties that turn CURVE on for an agent started with {@code command}. */
	Map<String, String> properties(String command) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("agent.zmq.curve.certificate", secretFile(command).toString());
		properties.put("agent.zmq.curve.authorized-keys", authorizedKeys().toString());
		return properties;
	}

	/** Makes {@code socket} a CURVE client of the agent started with {@code command}, under the demo's key. */
	void client(ZMQ.Socket socket, String command) {
		CurveCertificate own = this.certificates.get(CLIENT);
		socket.setCurvePublicKey(ZMQ.Curve.z85Decode(own.publicKey()));
		socket.setCurveSecretKey(ZMQ.Curve.z85Decode(own.secretKey()));
		socket.setCurveServerKey(ZMQ.Curve.z85Decode(publicKey(command)));
	}

}
