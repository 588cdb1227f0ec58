package relay.cluster;

import java.nio.ByteBuffer;

/**
 * One message between relay nodes, as published on a Redis channel. The payload is carried verbatim:
 * a WebSocket frame or a message's bytes exactly as the sender had them, never decoded and re-encoded,
 * so the receiving node can hand a broadcast frame to its members without touching it. Big-endian:
 *
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 * +---------------+---------------+-------------------------------+
 * |    version    |     kind      |          key length           |  0
 * +---------------+---------------+-------------------------------+
 * |          sub length           |          reserved (0)         |  4
 * +---------------------------------------------------------------+
 * |                                                               |
 * +                  origin node id (128 bits)                    +  8
 * |                                                               |
 * +---------------------------------------------------------------+
 * |              sender sequence (64 bits, per origin)            | 24
 * +---------------------------------------------------------------+
 * |     connection id (64 bits: the sender's or the target's)     | 32
 * +---------------------------------------------------------------+
 * |                     payload length (32 bits)                  | 40
 * +---------------------------------------------------------------+
 * |  key (WTF-8) ...  |  sub (WTF-8) ...  |  payload (verbatim)...| 44
 * +---------------------------------------------------------------+
 * </pre>
 *
 * {@code kind} is a {@link MessageKind} code. {@code key} names what the message is about (a room, a
 * server code, a booth id); {@code sub} refines it (a receiver_id, a target client id) and is often empty.
 * The sequence numbers every envelope one node publishes, so a log can show per-sender order and gaps.
 * Decoding checks every length against the buffer: a truncated or foreign message is rejected, never
 * half-read. Immutable once decoded; the arrays are not copied and must not be changed.
 */
public record Envelope(MessageKind kind, NodeId origin, long sequence, long connection, byte[] key, byte[] sub,
                       byte[] payload) {
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 44;
    private static final byte[] EMPTY = new byte[0];

    /** Encodes an envelope; {@code sub} and {@code payload} may be null for empty. */
    public static byte[] encode(MessageKind kind, NodeId origin, long sequence, long connection, byte[] key,
                                byte[] sub, byte[] payload) {
        sub = sub == null ? EMPTY : sub;
        payload = payload == null ? EMPTY : payload;
        if (key.length > 0xFFFF || sub.length > 0xFFFF) {
            throw new IllegalArgumentException("envelope key and sub are limited to 65535 bytes");
        }
        byte[] out = new byte[HEADER_BYTES + key.length + sub.length + payload.length];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.put((byte) VERSION).put((byte) kind.code).putShort((short) key.length)
                .putShort((short) sub.length).putShort((short) 0)
                .putLong(origin.high()).putLong(origin.low())
                .putLong(sequence).putLong(connection).putInt(payload.length)
                .put(key).put(sub).put(payload);
        return out;
    }

    /**
     * Decodes a published message. Throws IllegalArgumentException if it is not a well-formed envelope of
     * this version; returns an envelope whose kind is null if it is well-formed but of a kind this node
     * does not know (a newer node's), which the caller skips.
     */
    public static Envelope decode(byte[] message) {
        if (message.length < HEADER_BYTES) {
            throw new IllegalArgumentException("envelope shorter than its header: " + message.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(message);
        int version = b.get() & 0xFF;
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown envelope version " + version);
        }
        MessageKind kind = MessageKind.of(b.get() & 0xFF);
        int keyLength = b.getShort() & 0xFFFF;
        int subLength = b.getShort() & 0xFFFF;
        b.getShort();
        NodeId origin = new NodeId(b.getLong(), b.getLong());
        long sequence = b.getLong();
        long connection = b.getLong();
        int payloadLength = b.getInt();
        if (payloadLength < 0 || (long) HEADER_BYTES + keyLength + subLength + payloadLength != message.length) {
            throw new IllegalArgumentException("envelope lengths do not add up to its " + message.length + " bytes");
        }
        byte[] key = new byte[keyLength];
        byte[] sub = subLength == 0 ? EMPTY : new byte[subLength];
        byte[] payload = payloadLength == 0 ? EMPTY : new byte[payloadLength];
        b.get(key).get(sub).get(payload);
        return new Envelope(kind, origin, sequence, connection, key, sub, payload);
    }

    public String keyString() {
        return Wtf8.decode(key);
    }

    public String subString() {
        return Wtf8.decode(sub);
    }
}
