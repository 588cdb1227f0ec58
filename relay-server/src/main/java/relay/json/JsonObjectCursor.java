package relay.json;

import java.nio.charset.StandardCharsets;

/**
 * Walks the top-level members of a JSON object in place, without building values: for each member it gives
 * the byte ranges of the key (inside its quotes) and of the raw value. Lets a protocol read or replace one
 * member and copy the rest verbatim ("touch only what it must").
 *
 * <p>{@link #next} leaves judgement of validity to others ({@link Json#parse}, {@link JsonSyntax}): on a valid
 * object it is exact; on anything else it never throws or reads out of bounds, and simply stops (returns
 * false) somewhere. {@link #nextChecked} judges as it walks, exactly as {@link JsonSyntax#isObject} does, so
 * that one pass both validates a message and finds its members. One cursor belongs to one thread (a
 * connection's reader keeps one and reuses it).
 */
public final class JsonObjectCursor {
    private byte[] bytes;
    private int pos;
    private int end;
    private int keyStart;
    private int keyEnd;
    private int valueStart;
    private int valueEnd;
    /** {@link #nextChecked}: a member has been read, so the next must follow a comma. */
    private boolean afterMember;
    /** {@link #nextChecked}: the walk reached the closing brace with only whitespace after it. */
    private boolean valid;

    /** Starts on {@code bytes[offset, offset+length)}; returns false unless it begins with an object. */
    public boolean reset(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.end = offset + length;
        this.pos = skipSpace(offset);
        afterMember = false;
        valid = false;
        if (pos >= end || bytes[pos] != '{') {
            pos = end;
            return false;
        }
        pos++;
        return true;
    }

    /** Moves to the next member; false at the end of the object (or at anything malformed). */
    public boolean next() {
        int p = skipSpace(pos);
        if (p < end && bytes[p] == ',') {
            p = skipSpace(p + 1);
        }
        if (p >= end || bytes[p] != '"') {
            pos = end;
            return false;
        }
        int afterKey = skipString(p);
        if (afterKey < 0) {
            pos = end;
            return false;
        }
        int colon = skipSpace(afterKey);
        if (colon >= end || bytes[colon] != ':') {
            pos = end;
            return false;
        }
        int start = skipSpace(colon + 1);
        int stop = skipValue(start);
        if (stop < 0) {
            pos = end;
            return false;
        }
        keyStart = p + 1;
        keyEnd = afterKey - 1;
        valueStart = start;
        valueEnd = stop;
        pos = stop;
        return true;
    }

    /**
     * Like {@link #next}, checking the object on the way with {@link JsonSyntax}'s rules (RFC 8259, nesting up to
     * {@link JsonSyntax#MAX_DEPTH}): false at the end of the object or at the first fault, and {@link #isValid}
     * then tells which. Members seen before a fault are not to be trusted.
     */
    public boolean nextChecked() {
        int p = JsonSyntax.skipSpace(bytes, pos, end);
        if (p < end && bytes[p] == '}') {
            valid = JsonSyntax.skipSpace(bytes, p + 1, end) == end;
            return stop();
        }
        if (afterMember) {
            if (p >= end || bytes[p] != ',') {
                return stop();
            }
            p = JsonSyntax.skipSpace(bytes, p + 1, end);
        }
        if (p >= end || bytes[p] != '"') {
            return stop();
        }
        int afterKey = JsonSyntax.string(bytes, p + 1, end);
        int colon = JsonSyntax.skipSpace(bytes, afterKey, end);
        if (colon < 0 || colon >= end || bytes[colon] != ':') {
            return stop();
        }
        int start = JsonSyntax.skipSpace(bytes, colon + 1, end);
        int stop = JsonSyntax.value(bytes, start, end, 1);
        if (stop < 0) {
            return stop();
        }
        keyStart = p + 1;
        keyEnd = afterKey - 1;
        valueStart = start;
        valueEnd = stop;
        pos = stop;
        afterMember = true;
        return true;
    }

    /** After {@link #nextChecked} returned false: whether the input was exactly one valid JSON object. */
    public boolean isValid() {
        return valid;
    }

    private boolean stop() {
        pos = end;
        return false;
    }

    public int keyStart() {
        return keyStart;
    }

    public int keyEnd() {
        return keyEnd;
    }

    public int valueStart() {
        return valueStart;
    }

    public int valueEnd() {
        return valueEnd;
    }

    /** Whether the current key equals {@code name} (given as its UTF-8 bytes), escapes decoded. */
    public boolean keyIs(byte[] name) {
        int length = keyEnd - keyStart;
        boolean escaped = false;
        for (int i = keyStart; i < keyEnd; i++) {
            if (bytes[i] == '\\') {
                escaped = true;
                break;
            }
        }
        if (!escaped) {
            if (length != name.length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (bytes[keyStart + i] != name[i]) {
                    return false;
                }
            }
            return true;
        }
        // Rare: a key written with escapes ("client\u005fid"); decode it properly.
        try {
            Object key = Json.parse(bytes, keyStart - 1, length + 2);
            return key instanceof String s && s.equals(new String(name, StandardCharsets.UTF_8));
        } catch (Json.InvalidJsonException e) {
            return false;
        }
    }

    private int skipSpace(int p) {
        while (p < end) {
            byte b = bytes[p];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                break;
            }
            p++;
        }
        return p;
    }

    /** From an opening quote to just past the closing one; -1 if unterminated. */
    private int skipString(int p) {
        p++;
        while (p < end) {
            byte b = bytes[p];
            if (b == '\\') {
                p += 2;
            } else if (b == '"') {
                return p + 1;
            } else {
                p++;
            }
        }
        return -1;
    }

    /** Just past the value starting at {@code p}; -1 if it runs off the end. */
    private int skipValue(int p) {
        if (p >= end) {
            return -1;
        }
        byte first = bytes[p];
        if (first == '"') {
            return skipString(p);
        }
        if (first == '{' || first == '[') {
            int depth = 0;
            while (p < end) {
                byte b = bytes[p];
                if (b == '"') {
                    p = skipString(p);
                    if (p < 0) {
                        return -1;
                    }
                    continue;
                }
                if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                    if (depth == 0) {
                        return p + 1;
                    }
                }
                p++;
            }
            return -1;
        }
        // number, true, false, null: up to the next delimiter
        int start = p;
        while (p < end) {
            byte b = bytes[p];
            if (b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                break;
            }
            p++;
        }
        return p == start ? -1 : p;
    }
}
