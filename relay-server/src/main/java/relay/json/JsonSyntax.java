package relay.json;

/**
 * Checks that bytes are one well-formed JSON value (RFC 8259) without building it: a recursive-descent
 * recogniser that allocates nothing, for protocols that must refuse invalid JSON but relay valid JSON as
 * bytes (CarParty client inputs). Text is already valid UTF-8 (the framer checks), so strings are checked
 * only for their escapes and control characters. Nesting deeper than {@link #MAX_DEPTH} is refused rather
 * than risking the stack. Stateless; any thread.
 */
public final class JsonSyntax {
    /** Deeper than any real message; keeps the recursion well inside a virtual thread's stack. */
    public static final int MAX_DEPTH = 256;

    private JsonSyntax() {}

    /** Whether {@code bytes[offset, offset+length)} is exactly one JSON object, with optional whitespace around it. */
    public static boolean isObject(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int p = skipSpace(bytes, offset, end);
        if (p >= end || bytes[p] != '{') {
            return false;
        }
        p = value(bytes, p, end, 0);
        return p >= 0 && skipSpace(bytes, p, end) == end;
    }

    /** Whether the bytes are exactly one JSON value of any kind. */
    public static boolean isValue(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int p = value(bytes, skipSpace(bytes, offset, end), end, 0);
        return p >= 0 && skipSpace(bytes, p, end) == end;
    }

    /**
     * Returns the index after the value starting at {@code p}, or -1 if there is none; {@code depth} is how deep
     * the value sits (an object's members: 1). Shared with {@link JsonObjectCursor#nextChecked}.
     */
    static int value(byte[] b, int p, int end, int depth) {
        if (p >= end) {
            return -1;
        }
        return switch (b[p]) {
            case '{' -> depth >= MAX_DEPTH ? -1 : object(b, p + 1, end, depth + 1);
            case '[' -> depth >= MAX_DEPTH ? -1 : array(b, p + 1, end, depth + 1);
            case '"' -> string(b, p + 1, end);
            case 't' -> literal(b, p, end, "true");
            case 'f' -> literal(b, p, end, "false");
            case 'n' -> literal(b, p, end, "null");
            default -> number(b, p, end);
        };
    }

    private static int object(byte[] b, int p, int end, int depth) {
        p = skipSpace(b, p, end);
        if (p < end && b[p] == '}') {
            return p + 1;
        }
        while (true) {
            if (p >= end || b[p] != '"') {
                return -1;
            }
            p = skipSpace(b, string(b, p + 1, end), end);
            if (p < 0 || p >= end || b[p] != ':') {
                return -1;
            }
            p = value(b, skipSpace(b, p + 1, end), end, depth);
            p = skipSpace(b, p, end);
            if (p < 0 || p >= end) {
                return -1;
            }
            if (b[p] == '}') {
                return p + 1;
            }
            if (b[p] != ',') {
                return -1;
            }
            p = skipSpace(b, p + 1, end);
        }
    }

    private static int array(byte[] b, int p, int end, int depth) {
        p = skipSpace(b, p, end);
        if (p < end && b[p] == ']') {
            return p + 1;
        }
        while (true) {
            p = skipSpace(b, value(b, p, end, depth), end);
            if (p < 0 || p >= end) {
                return -1;
            }
            if (b[p] == ']') {
                return p + 1;
            }
            if (b[p] != ',') {
                return -1;
            }
            p = skipSpace(b, p + 1, end);
        }
    }

    /** From just after the opening quote; returns the index after the closing quote, or -1. */
    static int string(byte[] b, int p, int end) {
        while (p < end) {
            int c = b[p] & 0xFF;
            if (c == '"') {
                return p + 1;
            }
            if (c < 0x20) {
                return -1; // 8259 7: control characters must be escaped
            }
            if (c == '\\') {
                if (p + 1 >= end) {
                    return -1;
                }
                switch (b[p + 1]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> p += 2;
                    case 'u' -> {
                        if (p + 6 > end) {
                            return -1;
                        }
                        for (int i = p + 2; i < p + 6; i++) {
                            if (Character.digit(b[i], 16) < 0) {
                                return -1;
                            }
                        }
                        p += 6;
                    }
                    default -> {
                        return -1;
                    }
                }
            } else {
                p++;
            }
        }
        return -1;
    }

    /** 8259 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    private static int number(byte[] b, int p, int end) {
        if (p < end && b[p] == '-') {
            p++;
        }
        if (p >= end || !digit(b[p])) {
            return -1;
        }
        if (b[p] == '0') {
            p++;
        } else {
            while (p < end && digit(b[p])) {
                p++;
            }
        }
        if (p < end && b[p] == '.') {
            p++;
            if (p >= end || !digit(b[p])) {
                return -1;
            }
            while (p < end && digit(b[p])) {
                p++;
            }
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            if (p < end && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            if (p >= end || !digit(b[p])) {
                return -1;
            }
            while (p < end && digit(b[p])) {
                p++;
            }
        }
        return p;
    }

    private static int literal(byte[] b, int p, int end, String word) {
        if (p + word.length() > end) {
            return -1;
        }
        for (int i = 0; i < word.length(); i++) {
            if (b[p + i] != word.charAt(i)) {
                return -1;
            }
        }
        return p + word.length();
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Skips JSON whitespace; passes -1 through so that failures propagate. */
    static int skipSpace(byte[] b, int p, int end) {
        if (p < 0) {
            return -1;
        }
        while (p < end && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r')) {
            p++;
        }
        return p;
    }
}
