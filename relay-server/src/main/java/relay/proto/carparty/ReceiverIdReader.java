package relay.proto.carparty;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import relay.json.Json;
import relay.json.JsonObjectCursor;
import relay.json.JsonSyntax;

/**
 * Reads a game server frame's top-level {@code receiver_id} once, then tells client by client whether the
 * frame names it (protocols.md "carparty": the clients whose client_id string-equals it). {@link #read}
 * classifies the value once per frame: absent (or the frame is no JSON object), not a string, a plain string,
 * or a string that must be decoded; {@link #names} is then a byte comparison with the client's id as JSON
 * (plain) or a {@code String.equals} with the text decoded once (the rest), so a room of N clients costs one
 * decode, not N. One per game server, used only by its reader thread; what {@link #read} found is valid
 * until the next call, during the frame's callback.
 */
final class ReceiverIdReader {
    private static final byte[] RECEIVER_ID = "receiver_id".getBytes(StandardCharsets.US_ASCII);

    private enum Kind {
        /** No {@code receiver_id}, or not a JSON object: the frame goes to every client. */
        EVERYONE,
        /** A {@code receiver_id} that is not a string (number, true, null, ...): no client. */
        NOBODY,
        /** A string with no escape and no raw control character: its bytes are its text's UTF-8. */
        PLAIN,
        /** A string with an escape (or a raw control character, which only dsl-json's leniency lets in). */
        DECODED
    }

    private final JsonObjectCursor cursor;
    private Kind kind = Kind.EVERYONE;
    private byte[] bytes;
    private int start;
    private int end;
    /** The receiver's text, once decoded; null until then, or if it is not a string. */
    private String text;

    ReceiverIdReader(JsonObjectCursor cursor) {
        this.cursor = cursor;
    }

    /**
     * Reads the frame; returns whether it names its receivers, false if it goes to every client. Frames
     * without the name, the common case, cost one walk; those with it are checked by {@link JsonSyntax},
     * without building a tree. Only a frame that JsonSyntax refuses goes to the full parser: whether it is
     * JSON was always dsl-json's judgement, which accepts a little more than RFC 8259 (a raw tab in a string).
     * A name given twice counts as a parser takes it: the last one.
     */
    boolean read(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        text = null;
        long receiver = receiverOf(cursor, bytes, offset, length);
        if (receiver == -1) {
            kind = Kind.EVERYONE;
            return false;
        }
        start = (int) (receiver >>> 32);
        end = (int) receiver;
        kind = classify();
        if (kind == Kind.DECODED) {
            text = decode(bytes, start, end);
            if (text == null) {
                kind = Kind.NOBODY;
            }
        }
        return true;
    }

    /** Where the raw value of the last top-level {@code receiver_id} is, as {@code start << 32 | end}; -1 for none. */
    private static long receiverOf(JsonObjectCursor cursor, byte[] bytes, int offset, int length) {
        if (!cursor.reset(bytes, offset, length)) {
            return -1;
        }
        long receiver = -1;
        while (cursor.next()) {
            if (cursor.keyIs(RECEIVER_ID)) {
                receiver = ((long) cursor.valueStart() << 32) | cursor.valueEnd();
            }
        }
        if (receiver == -1 || JsonSyntax.isObject(bytes, offset, length)) {
            return receiver;
        }
        try {
            return Json.parse(bytes, offset, length) instanceof Map<?, ?> ? receiver : -1;
        } catch (Json.InvalidJsonException e) {
            return -1; // not JSON after all
        }
    }

    private Kind classify() {
        if (bytes[start] != '"') {
            return Kind.NOBODY;
        }
        for (int i = start + 1; i < end - 1; i++) {
            int b = bytes[i] & 0xFF;
            if (b == '\\' || b < 0x20) {
                return Kind.DECODED;
            }
        }
        return Kind.PLAIN;
    }

    /**
     * Whether the frame {@link #read} last read (and found targeted) names this client. A plain receiver is
     * compared on the bytes: dsl-json writes an id with no quote, backslash or control character as its bare
     * UTF-8, and a plain receiver has none of them, so equal bytes are exactly equal text.
     */
    boolean names(String clientId, byte[] clientIdJson) {
        return switch (kind) {
            case PLAIN -> Arrays.equals(bytes, start, end, clientIdJson, 0, clientIdJson.length);
            case DECODED -> clientId.equals(text);
            case NOBODY, EVERYONE -> false;
        };
    }

    /** The receiver as text, for clients on other nodes; null if it is not a string. Decodes a plain one now. */
    String text() {
        if (kind == Kind.PLAIN && text == null) {
            text = decode(bytes, start, end);
        }
        return text;
    }

    private static String decode(byte[] bytes, int start, int end) {
        try {
            return Json.parse(bytes, start, end - start) instanceof String s ? s : null;
        } catch (Json.InvalidJsonException e) {
            return null;
        }
    }
}
