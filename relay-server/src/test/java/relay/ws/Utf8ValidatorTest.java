package relay.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Utf8Validator} against two independent oracles: the JDK's UTF-8 decoder for whether a whole input
 * is valid, and the UTF8-octets grammar of RFC 3629 section 4 for where an invalid input must first be
 * rejected (fail fast: as soon as no continuation could make the prefix valid). Inputs: every one- and
 * two-byte sequence, every three-byte sequence, four-byte sequences at the range edges, every code point, and
 * random mixes biased towards the interesting bytes, each also fed in pieces.
 */
@Timeout(60)
class Utf8ValidatorTest {
    private static final CharsetDecoder JDK = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    private static final CharBuffer CHARS = CharBuffer.allocate(1024);

    /** The JDK's verdict, through CoderResult rather than exceptions (millions of calls). */
    static boolean jdkValid(byte[] b) {
        JDK.reset();
        CHARS.clear();
        return !JDK.decode(ByteBuffer.wrap(b), CHARS, true).isError() && !JDK.flush(CHARS).isError();
    }

    /**
     * RFC 3629 section 4: the length of the longest prefix of {@code b} that some continuation could turn into
     * valid UTF-8 (b.length if the whole input is still viable), written from the ABNF, not from the DFA.
     */
    static int viablePrefix(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int lead = b[i] & 0xFF;
            int need;
            int lo = 0x80;
            int hi = 0xBF; // the range of the second byte; later ones are always UTF8-tail (80-BF)
            if (lead < 0x80) {
                i++;
                continue;
            } else if (lead >= 0xC2 && lead <= 0xDF) {
                need = 1;
            } else if (lead == 0xE0) {
                need = 2; lo = 0xA0;
            } else if (lead >= 0xE1 && lead <= 0xEC || lead == 0xEE || lead == 0xEF) {
                need = 2;
            } else if (lead == 0xED) {
                need = 2; hi = 0x9F;
            } else if (lead == 0xF0) {
                need = 3; lo = 0x90;
            } else if (lead >= 0xF1 && lead <= 0xF3) {
                need = 3;
            } else if (lead == 0xF4) {
                need = 3; hi = 0x8F;
            } else {
                return i; // 80-C1, F5-FF can never start a character
            }
            for (int k = 1; k <= need; k++) {
                if (i + k >= b.length) {
                    return b.length; // truncated, but still viable
                }
                int c = b[i + k] & 0xFF;
                boolean ok = k == 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xBF;
                if (!ok) {
                    return i + k;
                }
            }
            i += need + 1;
        }
        return b.length;
    }

    /** Feeds one byte at a time; returns the index of the byte that caused REJECT, or b.length. */
    static int rejectedAt(byte[] b) {
        int state = Utf8Validator.ACCEPT;
        for (int i = 0; i < b.length; i++) {
            state = Utf8Validator.update(state, b, i, 1);
            if (state == Utf8Validator.REJECT) {
                return i;
            }
        }
        return b.length;
    }

    static void check(byte[] b) {
        boolean expected = jdkValid(b);
        assertEquals(expected, Utf8Validator.isValid(b, 0, b.length), () -> "validity of " + hex(b));
        assertEquals(viablePrefix(b), rejectedAt(b), () -> "first rejected byte of " + hex(b));
        // Two pieces at every split must agree with the whole.
        for (int cut = 1; cut < b.length; cut++) {
            int state = Utf8Validator.update(Utf8Validator.ACCEPT, b, 0, cut);
            if (state != Utf8Validator.REJECT) {
                state = Utf8Validator.update(state, b, cut, b.length - cut);
            }
            assertEquals(expected, state == Utf8Validator.ACCEPT, "split at " + cut + " of " + hex(b));
        }
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.ofDelimiter(" ").formatHex(b);
    }

    @Test
    void agreesWithTheJdkOnEveryOneAndTwoByteSequence() {
        for (int a = 0; a < 256; a++) {
            check(new byte[] {(byte) a});
            for (int c = 0; c < 256; c++) {
                check(new byte[] {(byte) a, (byte) c});
            }
        }
    }

    @Test
    void agreesWithTheJdkOnEveryThreeByteSequenceWithAThreeByteLead() {
        byte[] b = new byte[3];
        for (int a = 0xE0; a <= 0xEF; a++) {
            for (int c = 0; c < 256; c++) {
                for (int d = 0; d < 256; d++) {
                    b[0] = (byte) a;
                    b[1] = (byte) c;
                    b[2] = (byte) d;
                    boolean valid = jdkValid(b);
                    if (valid != Utf8Validator.isValid(b, 0, 3) || viablePrefix(b) != rejectedAt(b)) {
                        check(b.clone()); // reports the details
                    }
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkOnFourByteSequencesAtTheRangeEdges() {
        int[] edges = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
        for (int a = 0xF0; a < 0x100; a++) {
            for (int c = 0; c < 256; c++) {
                for (int d : edges) {
                    for (int e : edges) {
                        check(new byte[] {(byte) a, (byte) c, (byte) d, (byte) e});
                    }
                }
            }
        }
    }

    @Test
    void acceptsEveryScalarValueAndRejectsEverySurrogate() {
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            byte[] b;
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                // what a CESU-8 / "WTF-8" encoder would write: three bytes ED A0-BF 80-BF
                b = new byte[] {(byte) 0xED, (byte) (0x80 | (cp >> 6) & 0x3F), (byte) (0x80 | cp & 0x3F)};
                assertFalse(Utf8Validator.isValid(b, 0, 3), Integer.toHexString(cp));
                assertEquals(1, rejectedAt(b), "a surrogate is refused at its second byte");
            } else {
                b = Character.toString(cp).getBytes(StandardCharsets.UTF_8);
                assertTrue(Utf8Validator.isValid(b, 0, b.length), Integer.toHexString(cp));
            }
        }
    }

    @Test
    void agreesWithTheJdkOnRandomInputsFedInPieces() {
        SplittableRandom random = new SplittableRandom(6455);
        byte[] interesting = Wire.bytes(0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF);
        String[] valid = {"a", "é", "€", "𝄞", "κόσμε", "\uFFFF", Character.toString(0x10FFFF), "abcdefgh"};
        for (int n = 0; n < 20_000; n++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int parts = 1 + random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                switch (random.nextInt(4)) {
                    case 0 -> out.write(interesting[random.nextInt(interesting.length)]);
                    case 1 -> out.write(random.nextInt(256));
                    default -> out.writeBytes(valid[random.nextInt(valid.length)].getBytes(StandardCharsets.UTF_8));
                }
            }
            check(out.toByteArray());
        }
    }

    @Test
    void validatesLongValidTextInRandomPieces() {
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder text = new StringBuilder();
        while (text.length() < 100_000) {
            int cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x10FFFF + 1);
            if (cp < 0xD800 || cp > 0xDFFF) {
                text.appendCodePoint(cp);
            }
        }
        byte[] b = text.toString().getBytes(StandardCharsets.UTF_8);
        int state = Utf8Validator.ACCEPT;
        int pos = 0;
        while (pos < b.length) {
            int n = Math.min(b.length - pos, 1 + random.nextInt(40));
            state = Utf8Validator.update(state, b, pos, n);
            pos += n;
        }
        assertEquals(Utf8Validator.ACCEPT, state);
        byte[] broken = Arrays.copyOf(b, b.length + 1);
        broken[b.length] = (byte) 0xC3; // truncated at the end
        assertFalse(Utf8Validator.isValid(broken, 0, broken.length));
        assertTrue(Utf8Validator.update(Utf8Validator.ACCEPT, broken, 0, broken.length) != Utf8Validator.REJECT, "still viable, just incomplete");
    }
}
