package relay.json;

import java.nio.charset.StandardCharsets;

/**
 * Walks the top-level members of a JSON object in place, without building values: for each member it gives
 * the byte ranges of the key (inside its quotes) and of the raw value. Lets a protocol read or replace one
 * member and copy the rest verbatim ("touch only what it must").
 *
 * <p>Judgement of validity is {@link Json#parse}'s: on a valid object the cursor is exact; on anything else it
 * never throws or reads out of bounds, and simply stops ({@link #next} returns false) somewhere. One cursor
 * belongs to one thread (a connection's reader keeps one and reuses it).
 */
public final class JsonObjectCursor {
    private byte[] bytes;
    private int pos;
    private int end;
    private int keyStart;
    private int keyEnd;
    private int valueStart;
    private int valueEnd;

    /** Starts on {@code bytes[offset, offset+length)}; returns false unless it begins with an object. */
    public boolean reset(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.end = offset + length;
        this.pos = skipSpace(offset);
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
        int colon = skipSpace(afterKey);
        if (afterKey < 0 || colon >= end || bytes[colon] != ':') {
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
