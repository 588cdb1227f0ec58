package relay.ws;

import java.nio.charset.StandardCharsets;

/**
 * Encodes frames (RFC 6455 section 5.2). Server frames are never masked (5.1); client frames, used by
 * relay's own clients and load generator, always are. An encoded frame is an immutable {@code byte[]} that
 * any number of connections may queue and write without copying or re-encoding it.
 */
public final class FrameWriter {
    private FrameWriter() {}

    public static int headerLength(long payloadLength, boolean masked) {
        int base = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? base + 4 : base;
    }

    /**
     * Writes a frame header into {@code dst} at {@code offset}; returns its length. Uses the shortest length
     * encoding (5.2: the minimal number of bytes MUST be used).
     */
    public static int writeHeader(byte[] dst, int offset, boolean fin, int opcode, long payloadLength, boolean masked, int maskKey) {
        dst[offset] = (byte) ((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        int pos = offset + 2;
        if (payloadLength < 126) {
            dst[offset + 1] = (byte) (maskBit | payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            dst[offset + 1] = (byte) (maskBit | 126);
            dst[pos++] = (byte) (payloadLength >>> 8);
            dst[pos++] = (byte) payloadLength;
        } else {
            dst[offset + 1] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                dst[pos++] = (byte) (payloadLength >>> shift);
            }
        }
        if (masked) {
            dst[pos++] = (byte) (maskKey >>> 24);
            dst[pos++] = (byte) (maskKey >>> 16);
            dst[pos++] = (byte) (maskKey >>> 8);
            dst[pos++] = (byte) maskKey;
        }
        return pos - offset;
    }

    /** A complete unmasked (server) frame with FIN set. */
    public static byte[] encode(int opcode, byte[] payload, int offset, int length) {
        int header = headerLength(length, false);
        byte[] frame = new byte[header + length];
        writeHeader(frame, 0, true, opcode, length, false, 0);
        System.arraycopy(payload, offset, frame, header, length);
        return frame;
    }

    public static byte[] encode(int opcode, byte[] payload) {
        return encode(opcode, payload, 0, payload.length);
    }

    public static byte[] encodeText(String text) {
        return encode(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A complete masked (client) frame; {@code fin} false starts or continues a fragmented message. */
    public static byte[] encodeMasked(boolean fin, int opcode, byte[] payload, int offset, int length, int maskKey) {
        int header = headerLength(length, true);
        byte[] frame = new byte[header + length];
        writeHeader(frame, 0, fin, opcode, length, true, maskKey);
        System.arraycopy(payload, offset, frame, header, length);
        Masking.apply(frame, header, length, maskKey, 0);
        return frame;
    }

    /** Close frame payload: the code, big-endian, then the UTF-8 reason cut to fit 125 bytes. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int reasonLength = Math.min(text.length, 123);
        while (reasonLength > 0 && reasonLength < text.length && (text[reasonLength] & 0xC0) == 0x80) {
            reasonLength--; // never cut a character in half
        }
        byte[] payload = new byte[2 + reasonLength];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, reasonLength);
        return payload;
    }

    public static byte[] encodeClose(int code, String reason) {
        return encode(Opcode.CLOSE, closePayload(code, reason));
    }
}
