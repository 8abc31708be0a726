package dev.agentry.core.trust;

import java.util.HexFormat;

import zmq.Msg;
import zmq.io.Metadata;

/**
 * Who sent a message, as far as the connection tells: with CURVE, the client's public key
 * (Z85), which the ZAP handler vouched for as the connection's {@code User-Id}; without it,
 * the routing id the peer chose for itself ({@code id:} and its hex), and {@code null} for
 * an anonymous peer, whose routing id the socket made up and nobody else can name.
 */
public final class PeerIdentity {

	/** Prefix of an identity that is a peer's own routing id: never a 40-character Z85 key. */
	public static final String ROUTING_ID_PREFIX = "id:";

	/** Routing ids up to this many bytes name a peer (ZMTP allows 255): its hex fits on_behalf_of. */
	private static final int MAX_ROUTING_ID = 254;

	private PeerIdentity() {
	}

	public static String of(Msg message) {
		Metadata metadata = (message != null) ? message.getMetadata() : null;
		if (metadata == null) {
			return null;
		}
		String userId = metadata.get(Metadata.USER_ID);
		if (userId != null && !userId.isEmpty()) {
			return userId;
		}
		String routingId = metadata.get(Metadata.IDENTITY);
		if (routingId == null || routingId.isEmpty() || routingId.length() > MAX_ROUTING_ID) {
			return null;
		}
		return ROUTING_ID_PREFIX + HexFormat.of().formatHex(routingId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

}
