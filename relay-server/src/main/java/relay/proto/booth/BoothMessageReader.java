package relay.proto.booth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import relay.json.JsonObjectCursor;

/**
 * Reads what the booth relay needs from a message's bytes, without a parse: in one checked walk over the
 * members ({@link JsonObjectCursor#nextChecked}), whether the message is one valid JSON object, whether its
 * {@code type} is {@code "relay_message"} or {@code "ping"}, and where its {@code data} is. A member named
 * twice counts as a parser would take it: the last one. Member values are byte ranges packed as
 * {@code start << 32 | end}, -1 for none. One per connection, used only by its reader thread.
 */
final class BoothMessageReader {
    static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE = "type".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RELAY_MESSAGE = "\"relay_message\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "\"ping\"".getBytes(StandardCharsets.US_ASCII);

    /** The message types recognised on the bytes. */
    enum HotType { RELAY_MESSAGE, PING, OTHER }

    private final JsonObjectCursor cursor = new JsonObjectCursor();
    private long data = -1;

    /**
     * The per-message fast path: a valid JSON object whose {@code type} is exactly {@code "relay_message"} or
     * {@code "ping"}, read with no allocation; anything else is {@link HotType#OTHER} and takes the full parse.
     */
    HotType read(byte[] bytes, int offset, int length) {
        long type = -1;
        data = -1;
        cursor.reset(bytes, offset, length);
        while (cursor.nextChecked()) {
            if (cursor.keyIs(TYPE)) {
                type = value();
            } else if (cursor.keyIs(DATA)) {
                data = value();
            }
        }
        if (cursor.isValid() && type >= 0) {
            if (equalsRaw(bytes, type, RELAY_MESSAGE)) {
                return HotType.RELAY_MESSAGE;
            }
            if (equalsRaw(bytes, type, PING)) {
                return HotType.PING;
            }
        }
        data = -1;
        return HotType.OTHER;
    }

    /** The raw {@code data} of the message {@link #read} last recognised, or -1 if it has none. */
    long data() {
        return data;
    }

    /** The raw value of the last member named {@code key}, or -1; for messages already known to be valid JSON. */
    long member(byte[] bytes, int offset, int length, byte[] key) {
        long found = -1;
        cursor.reset(bytes, offset, length);
        while (cursor.next()) {
            if (cursor.keyIs(key)) {
                found = value();
            }
        }
        return found;
    }

    static int start(long value) {
        return (int) (value >>> 32);
    }

    static int length(long value) {
        return (int) value - start(value);
    }

    private long value() {
        return ((long) cursor.valueStart() << 32) | cursor.valueEnd();
    }

    /** Whether the raw JSON value is exactly these bytes (a plain string, quotes included). */
    private static boolean equalsRaw(byte[] bytes, long value, byte[] raw) {
        int start = start(value);
        return length(value) == raw.length && Arrays.equals(bytes, start, start + raw.length, raw, 0, raw.length);
    }
}
