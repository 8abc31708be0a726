package dev.agentry.core.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import dev.agentry.test.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The authorized-keys directory as files, and as the kubelet lays out a ConfigMap or Secret volume. */
class AuthorizedKeysTests {

	@TempDir
	Path dir;

	@Test
	void readsPublicCertificatesWithTheirServicesAndNothingElse() throws Exception {
		Path keys = this.dir.resolve("keys");
		TestCertificate worker = TestCertificate.write(this.dir.resolve("made"), "worker", "model-worker,hub");
		worker.authorizeIn(keys);
		// A secret certificate is not an authorized key, nor is anything that is not a *.key file.
		TestCertificate other = TestCertificate.write(this.dir.resolve("made"), "other", "");
		Files.copy(other.secretFile(), keys.resolve("other.key_secret"));
		Files.writeString(keys.resolve("broken.key"), "curve\n    public-key = \"not a key\"\n");
		AuthorizedKeys authorized = new AuthorizedKeys(keys, Duration.ZERO).loadOrFail();
		assertThat(authorized.size()).isEqualTo(1);
		assertThat(authorized.lookup(worker.publicKey())).hasValueSatisfying(
				(services) -> assertThat(services).containsExactlyInAnyOrder("model-worker", "hub"));
		assertThat(authorized.lookup(other.publicKey())).isEmpty();
	}

	@Test
	void aMissingDirectoryFailsTheStart() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AuthorizedKeys(this.dir.resolve("absent"), Duration.ZERO).loadOrFail())
			.withMessageContaining("agent.zmq.curve.authorized-keys");
	}

	/**
	 * The kubelet writes a volume's files into a timestamped folder, points {@code ..data} at it
	 * and links each file through {@code ..data}; an update writes a new folder and swaps the
	 * {@code ..data} link in one rename. The files' own links never change.
	 */
	@Test
	void followsAKubeletVolumeUpdateWithoutARestart() throws Exception {
		Path volume = this.dir.resolve("volume");
		Files.createDirectories(volume);
		TestCertificate alice = TestCertificate.write(this.dir.resolve("made"), "alice", "");
		TestCertificate bob = TestCertificate.write(this.dir.resolve("made"), "bob", "");
		publish(volume, "..2026_11_30_1", alice);
		Files.createSymbolicLink(volume.resolve("alice.key"), Path.of("..data/alice.key"));
		AuthorizedKeys authorized = new AuthorizedKeys(volume, Duration.ZERO).loadOrFail();
		assertThat(authorized.lookup(alice.publicKey())).isPresent();
		assertThat(authorized.lookup(bob.publicKey())).isEmpty();

		publish(volume, "..2026_11_30_2", alice, bob);
		Files.createSymbolicLink(volume.resolve("bob.key"), Path.of("..data/bob.key"));
		assertThat(authorized.lookup(bob.publicKey())).as("a key added").isPresent();

		publish(volume, "..2026_11_30_3", bob);
		// The kubelet removes the link of a file that left the volume.
		Files.delete(volume.resolve("alice.key"));
		assertThat(authorized.lookup(alice.publicKey())).as("a key removed").isEmpty();
		assertThat(authorized.lookup(bob.publicKey())).isPresent();

		// The same names, new contents: only the ..data link moves.
		TestCertificate carol = TestCertificate.write(this.dir.resolve("other"), "bob", "");
		publish(volume, "..2026_11_30_4", carol);
		assertThat(authorized.lookup(carol.publicKey())).as("a key replaced under the same name").isPresent();
		assertThat(authorized.lookup(bob.publicKey())).isEmpty();
	}

	private static void publish(Path volume, String folder, TestCertificate... certificates) throws Exception {
		Path data = Files.createDirectories(volume.resolve(folder));
		for (TestCertificate certificate : certificates) {
			Files.copy(certificate.publicFile(), data.resolve(certificate.name() + ".key"));
		}
		Path next = volume.resolve("..data_tmp");
		Files.createSymbolicLink(next, Path.of(folder));
		Files.move(next, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

}
