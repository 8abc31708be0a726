package dev.agentry.samples.keygen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.zeromq.ZCert;

/**
 * {@code keygen --name=<name> [--services=<a,b>] [--dir=<dir>] [--force]}: writes a CURVE
 * certificate pair, {@code <name>.key} (public: goes into every peer's authorized keys) and
 * {@code <name>.key_secret} (the agent's own {@code agent.zmq.curve.certificate}, readable by
 * its owner only), in ZPL as CZMQ and pyzmq write them, with metadata {@code services}: the
 * services the key may register as.
 */
public final class Keygen {

	/** A file name without a path: what a Secret's key and a ConfigMap's key allow too. */
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	private static final Pattern SERVICES = Pattern.compile("[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*");

	private static final String USAGE = "Usage: java -jar agent-samples.jar keygen --name=<name> "
			+ "[--services=<service,service>] [--dir=<directory>] [--force]";

	private Keygen() {
	}

	/** @return the exit code: 0 written, 2 bad arguments, 1 the files could not be written */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if ("--help".equals(arg) || "-h".equals(arg)) {
				out.println(USAGE);
				return 0;
			}
			if ("--force".equals(arg)) {
				options.put("force", "true");
				continue;
			}
			int equals = arg.indexOf('=');
			String key = (arg.startsWith("--") && equals > 2) ? arg.substring(2, equals) : null;
			if (key == null || !Arrays.asList("name", "services", "dir").contains(key)) {
				err.println("keygen: unknown argument '" + arg + "'");
				err.println(USAGE);
				return 2;
			}
			options.put(key, arg.substring(equals + 1));
		}
		String name = options.get("name");
		if (name == null || !NAME.matcher(name).matches()) {
			err.println("keygen: --name is required: letters, digits, '.', '_' or '-' (it names the files)");
			err.println(USAGE);
			return 2;
		}
		String services = options.getOrDefault("services", "");
		if (!services.isEmpty() && !SERVICES.matcher(services).matches()) {
			err.println("keygen: --services is a comma-separated list of service names (letters, digits, '.', '_', '-')");
			return 2;
		}
		Path dir = Path.of(options.getOrDefault("dir", "."));
		try {
			Files.createDirectories(dir);
			Path publicFile = dir.resolve(name + ".key");
			Path secretFile = dir.resolve(name + ".key_secret");
			if (!options.containsKey("force")) {
				for (Path file : new Path[] { publicFile, secretFile }) {
					if (Files.exists(file)) {
						throw new FileAlreadyExistsException(file + " (--force replaces it)");
					}
				}
			}
			ZCert certificate = new ZCert();
			if (!services.isEmpty()) {
				certificate.setMeta("services", services);
			}
			certificate.savePublic(publicFile.toString());
			certificate.saveSecret(secretFile.toString());
			ownerOnly(secretFile);
			out.println("Wrote " + publicFile + " (public: add it to every peer's agent.zmq.curve.authorized-keys)");
			out.println("Wrote " + secretFile + " (secret: this agent's agent.zmq.curve.certificate)");
			out.println("Public key: " + certificate.getPublicKeyAsZ85());
			out.println("Services: " + (services.isEmpty() ? "(none: it may call agents, not register)" : services));
			return 0;
		}
		catch (IOException | RuntimeException ex) {
			err.println("keygen: cannot write the certificate: " + ex.getMessage());
			return 1;
		}
	}

	private static void ownerOnly(Path secretFile) throws IOException {
		try {
			Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system (Windows): its ACLs are the user's business.
		}
	}

}
