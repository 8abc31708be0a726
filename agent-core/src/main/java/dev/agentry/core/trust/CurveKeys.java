package dev.agentry.core.trust;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.zeromq.ZMQ;

/** Z85-encoded CURVE keys, as certificates, the registry and the wire carry them. */
public final class CurveKeys {

	/** 40 characters of Z85's alphabet: 32 bytes. */
	private static final Pattern Z85_KEY = Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");

	private CurveKeys() {
	}

	/** Whether {@code key} is a Z85-encoded 32-byte key. */
	public static boolean isKey(String key) {
		return key != null && Z85_KEY.matcher(key).matches();
	}

	/**
	 * Whether {@code keys} is one key or a comma-separated list of keys: the keys a client
	 * accepts for one service while that service's key is being rotated.
	 */
	public static boolean isKeyList(String keys) {
		List<String> candidates = candidates(keys);
		return !candidates.isEmpty() && candidates.stream().allMatch(CurveKeys::isKey);
	}

	/** The keys of a comma-separated list, in order; empty for {@code null} or blank. */
	public static List<String> candidates(String keys) {
		if (keys == null || keys.isBlank()) {
			return List.of();
		}
		return Arrays.stream(keys.split(",")).map(String::trim).filter((key) -> !key.isEmpty()).toList();
	}

	/** The key's 32 bytes; the caller has checked it with {@link #isKey}. */
	static byte[] decode(String key) {
		if (!isKey(key)) {
			throw new IllegalArgumentException("not a Z85-encoded CURVE key (40 characters)");
		}
		return ZMQ.Curve.z85Decode(key);
	}

}
