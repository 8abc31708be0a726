package dev.agentry.samples.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs on an agent's published HTTP port on the loopback interface, as a probe would. */
final class LocalHttp {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private LocalHttp() {
	}

	/** The body of a GET that must succeed. */
	static String body(int port, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("GET " + path + " answered " + response.statusCode());
		}
		return response.body();
	}

	/** The status code, or -1 when nothing answers (not up yet, or gone). */
	static int status(int port, String path) {
		try {
			return HTTP.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private static HttpRequest request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(2))
			.build();
	}

}
