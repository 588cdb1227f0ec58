package relay.proto.booth;

import java.nio.charset.StandardCharsets;
import relay.json.Json;
import relay.json.Timestamps;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * The frames the booth relay sends, with the keys in the original's order and a Python-style timestamp.
 * Values the clients sent ({@code booth_id}, {@code data}) are copied in as the raw JSON they wrote; only
 * the error texts are serialised here. Each method returns one encoded frame, written in place: the frame
 * array is the only allocation (the relayed messages are on every booth round trip).
 */
final class BoothMessages {
    static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TYPE = ascii("{\"type\":\"");
    private static final byte[] FROM_SCANNER = ascii("{\"type\":\"message_from_scanner\",\"data\":");
    private static final byte[] FROM_BOOTH = ascii("{\"type\":\"message_from_booth\",\"data\":");
    private static final byte[] ORIGINAL_TYPE = ascii(",\"original_type\":\"relay_message\"");
    private static final byte[] BOOTH_ID = ascii(",\"booth_id\":");
    private static final byte[] PONG = ascii("{\"type\":\"pong\"");
    private static final byte[] ERROR = ascii("{\"type\":\"error\",\"message\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":\"");
    private static final int TIMESTAMP_MEMBER = TIMESTAMP.length + Timestamps.LENGTH + 2; // closing quote and brace

    private BoothMessages() {}

    /** {@code {"type":T,"booth_id":B,"timestamp":...}}: the registration and (dis)connection notices. */
    static byte[] withBoothId(String type, BoothId boothId) {
        byte[] id = boothId.json();
        return new Frame(TYPE.length + type.length() + 1 + BOOTH_ID.length + id.length)
                .put(TYPE).putAscii(type).put('"').put(BOOTH_ID).put(id, 0, id.length).endWithTimestamp();
    }

    static byte[] fromScanner(byte[] data, int offset, int length) {
        return new Frame(FROM_SCANNER.length + length + ORIGINAL_TYPE.length)
                .put(FROM_SCANNER).put(data, offset, length).put(ORIGINAL_TYPE).endWithTimestamp();
    }

    static byte[] fromBooth(byte[] data, int offset, int length, BoothId boothId) {
        byte[] id = boothId.json();
        return new Frame(FROM_BOOTH.length + length + ORIGINAL_TYPE.length + BOOTH_ID.length + id.length)
                .put(FROM_BOOTH).put(data, offset, length).put(ORIGINAL_TYPE).put(BOOTH_ID).put(id, 0, id.length)
                .endWithTimestamp();
    }

    static byte[] pong() {
        return new Frame(PONG.length).put(PONG).endWithTimestamp();
    }

    static byte[] error(String message) {
        byte[] json = Json.write(message); // rare: serialising the text needs escaping
        return new Frame(ERROR.length + json.length).put(ERROR).put(json, 0, json.length).endWithTimestamp();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A text frame of a known payload length, filled front to back; short-lived, so the JIT keeps it off the heap. */
    private static final class Frame {
        private final byte[] bytes;
        private int position;

        /** @param bodyLength the payload before the timestamp member */
        Frame(int bodyLength) {
            int payload = bodyLength + TIMESTAMP_MEMBER;
            bytes = new byte[FrameWriter.headerLength(payload, false) + payload];
            position = FrameWriter.writeHeader(bytes, 0, true, Opcode.TEXT, payload, false, 0);
        }

        Frame put(byte[] source) {
            return put(source, 0, source.length);
        }

        Frame put(byte[] source, int offset, int length) {
            System.arraycopy(source, offset, bytes, position, length);
            position += length;
            return this;
        }

        Frame put(char c) {
            bytes[position++] = (byte) c;
            return this;
        }

        Frame putAscii(String text) {
            for (int i = 0; i < text.length(); i++) {
                bytes[position++] = (byte) text.charAt(i);
            }
            return this;
        }

        byte[] endWithTimestamp() {
            put(TIMESTAMP);
            Timestamps.writeNow(bytes, position);
            position += Timestamps.LENGTH;
            put('"').put('}');
            assert position == bytes.length;
            return bytes;
        }
    }
}
