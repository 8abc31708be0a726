package dev.agentry.core.trust;

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

	/** The key's 32 bytes; the caller has checked it with {@link #isKey}. */
	static byte[] decode(String key) {
		if (!isKey(key)) {
			throw new IllegalArgumentException("not a Z85-encoded CURVE key (40 characters)");
		}
		return ZMQ.Curve.z85Decode(key);
	}

}
