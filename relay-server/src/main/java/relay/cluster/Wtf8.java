package relay.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Names (room codes, client ids, group names, table ids) as bytes between nodes and in Redis keys, in WTF-8:
 * UTF-8, except that a lone UTF-16 surrogate is encoded as the three bytes its code point would take. A JSON
 * string may escape one ({@code "\ud800"}), and the JDK's UTF-8 encoder turns it into {@code ?}, so room
 * {@code "\ud800"} and room {@code "?"} would share a Redis key and a channel. For every well-formed string the
 * bytes are exactly UTF-8, so keys stay readable and compatible.
 */
public final class Wtf8 {
    private static final byte[] EMPTY = new byte[0];

    private Wtf8() {
    }

    /** The WTF-8 bytes of {@code s}; null is empty. */
    public static byte[] encode(String s) {
        if (s == null) {
            return EMPTY;
        }
        if (!hasLoneSurrogate(s)) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        byte[] out = new byte[s.length() * 3];
        int at = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(++i));
            }
            at = put(out, at, cp);
        }
        return Arrays.copyOf(out, at);
    }

    /**
     * Decodes WTF-8 (and so any UTF-8); an encoded surrogate becomes that char. A byte that starts no valid
     * sequence becomes U+FFFD, as the JDK's decoder would make it.
     */
    public static String decode(byte[] bytes) {
        if (!hasEncodedSurrogate(bytes)) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            if (b >= 0xE0 && b < 0xF0 && i + 2 < bytes.length && continuation(bytes[i + 1]) && continuation(bytes[i + 2])) {
                int cp = ((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F);
                if (cp >= 0x800) {
                    out.append((char) cp);
                    i += 3;
                    continue;
                }
            }
            int end = nextSurrogateStart(bytes, i + 1);
            out.append(new String(bytes, i, end - i, StandardCharsets.UTF_8)); // the run up to the next one
            i = end;
        }
        return out.toString();
    }

    private static int put(byte[] out, int at, int cp) {
        if (cp < 0x80) {
            out[at++] = (byte) cp;
        } else if (cp < 0x800) {
            out[at++] = (byte) (0xC0 | cp >> 6);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            out[at++] = (byte) (0xE0 | cp >> 12);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        } else {
            out[at++] = (byte) (0xF0 | cp >> 18);
            out[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | cp & 0x3F);
        }
        return at;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the bytes hold an encoded surrogate: ED followed by A0-BF (U+D800-U+DFFF). */
    private static boolean hasEncodedSurrogate(byte[] bytes) {
        return nextSurrogateStart(bytes, 0) < bytes.length;
    }

    private static int nextSurrogateStart(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if ((bytes[i] & 0xFF) == 0xED && (bytes[i + 1] & 0xFF) >= 0xA0 && (bytes[i + 1] & 0xFF) <= 0xBF) {
                return i;
            }
        }
        return bytes.length;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
