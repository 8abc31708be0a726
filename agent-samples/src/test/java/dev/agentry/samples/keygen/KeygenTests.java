package dev.agentry.samples.keygen;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.agentry.core.trust.CurveCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code keygen}: the pair it writes, its permissions, and its refusals. */
class KeygenTests {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void writesAPairThatAgentsReadWithItsServices() throws Exception {
		Path keys = this.dir.resolve("keys");
		assertThat(run("--name=model-worker", "--services=model-worker,hub", "--dir=" + keys)).isZero();
		CurveCertificate secret = CurveCertificate.loadSecret(keys.resolve("model-worker.key_secret"));
		CurveCertificate shared = CurveCertificate.load(keys.resolve("model-worker.key"));
		assertThat(shared.publicKey()).isEqualTo(secret.publicKey());
		assertThat(shared.secretKey()).as("the public file holds no secret").isNull();
		assertThat(secret.services()).containsExactlyInAnyOrder("model-worker", "hub");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("model-worker.key_secret"))))
			.isEqualTo("rw-------");
		assertThat(text(this.out)).contains("Public key: " + secret.publicKey());
	}

	@Test
	void neverOverwritesAKeyUnlessForced() throws Exception {
		assertThat(run("--name=a", "--dir=" + this.dir)).isZero();
		String first = Files.readString(this.dir.resolve("a.key_secret"));
		assertThat(run("--name=a", "--dir=" + this.dir)).isEqualTo(1);
		assertThat(text(this.err)).contains("--force");
		assertThat(Files.readString(this.dir.resolve("a.key_secret"))).isEqualTo(first);
		assertThat(run("--name=a", "--dir=" + this.dir, "--force")).isZero();
		assertThat(Files.readString(this.dir.resolve("a.key_secret"))).isNotEqualTo(first);
	}

	@Test
	void refusesBadArgumentsWithUsage() {
		assertThat(run("--services=x", "--dir=" + this.dir)).as("no name").isEqualTo(2);
		assertThat(run("--name=../escape", "--dir=" + this.dir)).as("a path in the name").isEqualTo(2);
		assertThat(run("--name=a", "--services=a b", "--dir=" + this.dir)).isEqualTo(2);
		assertThat(run("--name=a", "--colour=red")).isEqualTo(2);
		assertThat(text(this.err)).contains("Usage: java -jar agent-samples.jar keygen");
		assertThat(this.dir.toFile().list()).isEmpty();
	}

	private int run(String... args) {
		return Keygen.run(args, new PrintStream(this.out, true, StandardCharsets.UTF_8),
				new PrintStream(this.err, true, StandardCharsets.UTF_8));
	}

	private static String text(ByteArrayOutputStream stream) {
		return stream.toString(StandardCharsets.UTF_8);
	}

}
