package dev.agentry.samples.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The samples image, built once per test JVM from the repository's real Dockerfile with
 * podman: the jar that this build packaged goes in through the PREBUILT_JAR ARG (no Maven
 * Central inside an image build here), and BUILD_IMAGE and RUNTIME_IMAGE name the locally
 * assembled base image (no registry here). The runtime stage is the one users get.
 */
final class SamplesImage {

	static final String TAG = "localhost/agentry/agent-samples:it";

	static final String JAR = "agent-samples/target/agent-samples.jar";

	private static final String LABEL = "dev.agentry.image=samples-test";

	private static boolean built;

	private SamplesImage() {
	}

	static synchronized String build(Podman podman) throws IOException, InterruptedException {
		if (!built) {
			if (!Files.isRegularFile(Repository.ROOT.resolve(JAR))) {
				throw new IllegalStateException(JAR + " is missing: the container tests run after `package`");
			}
			// No intermediate images are kept, and the label lets the image that this one
			// replaces go: repeated runs do not fill the developer's disk.
			podman.run(Duration.ofMinutes(5), "build", "--layers=false", "--label", LABEL, "--file",
					Repository.DOCKERFILE.toString(), "--build-arg", "BUILD_IMAGE=" + Podman.BASE_IMAGE, "--build-arg",
					"RUNTIME_IMAGE=" + Podman.BASE_IMAGE, "--build-arg", "PREBUILT_JAR=" + JAR, "--tag", TAG,
					Repository.ROOT.toString())
				.outIfSucceeded();
			podman.run("image", "prune", "--force", "--filter", "label=" + LABEL).outIfSucceeded();
			built = true;
		}
		return TAG;
	}

}
