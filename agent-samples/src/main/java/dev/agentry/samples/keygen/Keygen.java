package dev.agentry.samples.keygen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

import org.zeromq.ZCert;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

	private Keygen() {
	}

	@Command(name = "java -jar agent-samples.jar keygen", sortOptions = false,
			description = "Writes a CURVE certificate pair: <name>.key (public) and <name>.key_secret (secret, owner-only).")
	static final class Options {

		@Option(names = "--name", required = true, paramLabel = "<name>",
				description = "names the files: letters, digits, '.', '_' or '-'")
		String name;

		@Option(names = "--services", paramLabel = "<service,service>", defaultValue = "",
				description = "the services the key may register as (default: none: it may call agents, not register)")
		String services;

		@Option(names = "--dir", paramLabel = "<directory>", defaultValue = ".",
				description = "where the files go (default: ${DEFAULT-VALUE})")
		Path dir;

		@Option(names = "--force", description = "replace files that exist")
		boolean force;

		@Option(names = { "-h", "--help" }, usageHelp = true, description = "this help")
		boolean help;

	}

	/** @return the exit code: 0 written, 2 bad arguments, 1 the files could not be written */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		Options options = new Options();
		CommandLine commandLine = new CommandLine(options).setExpandAtFiles(false);
		try {
			commandLine.parseArgs(args);
		}
		catch (CommandLine.ParameterException ex) {
			err.println("keygen: " + ex.getMessage());
			err.print(commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF));
			return 2;
		}
		if (commandLine.isUsageHelpRequested()) {
			out.print(commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF));
			return 0;
		}
		String name = options.name;
		if (!NAME.matcher(name).matches()) {
			err.println("keygen: --name is required: letters, digits, '.', '_' or '-' (it names the files)");
			err.print(commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF));
			return 2;
		}
		String services = options.services;
		if (!services.isEmpty() && !SERVICES.matcher(services).matches()) {
			err.println("keygen: --services is a comma-separated list of service names (letters, digits, '.', '_', '-')");
			return 2;
		}
		Path dir = options.dir;
		try {
			Files.createDirectories(dir);
			Path publicFile = dir.resolve(name + ".key");
			Path secretFile = dir.resolve(name + ".key_secret");
			if (!options.force) {
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
