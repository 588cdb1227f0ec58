package relay.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static relay.ws.Wire.binary;
import static relay.ws.Wire.bytes;
import static relay.ws.Wire.cat;
import static relay.ws.Wire.close;
import static relay.ws.Wire.frame;
import static relay.ws.Wire.header64;
import static relay.ws.Wire.pattern;
import static relay.ws.Wire.text;
import static relay.ws.Wire.utf8;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import relay.ws.Wire.Length;
import relay.ws.Wire.Outcome;

/**
 * The decoder (FrameReader + FrameValidator + MessageAssembler) against RFC 6455 sections 5, 7.4 and 8.1,
 * one table row per rule, named by RFC section and, where one exists, the Autobahn TestSuite case. Every row
 * is decoded whole, split in two at every byte boundary, and one byte at a time, and must give the same
 * events and the same close code each way.
 */
@Timeout(60)
class FrameReaderTest {
    static final long MAX = 1 << 20;
    /** Above this wire size, "every boundary" is sampled (headers, payload edges, a stride) to keep the suite fast. */
    static final int EXHAUSTIVE_SPLIT_LIMIT = 4096;

    /** One row: the wire bytes, the events they must produce, and the close code they fail with (0: none). */
    record Case(String name, byte[] wire, List<String> events, int failure, long maxMessageBytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, byte[] wire, String... events) {
        return new Case(name, wire, List.of(events), 0, MAX);
    }

    static Case fails(String name, int code, byte[] wire, String... eventsBefore) {
        return new Case(name, wire, List.of(eventsBefore), code, MAX);
    }

    static Case failsWithMax(String name, long max, int code, byte[] wire, String... eventsBefore) {
        return new Case(name, wire, List.of(eventsBefore), code, max);
    }

    static String ping(byte[] b) {
        return Wire.describe("ping", b, 0, b.length);
    }

    static String pong(byte[] b) {
        return Wire.describe("pong", b, 0, b.length);
    }

    static Stream<Case> valid() {
        List<Case> cases = new ArrayList<>();
        // 5.2 payload lengths: 7-bit, 16-bit and 64-bit forms at their edges (Autobahn 1.1.x / 1.2.x)
        for (int n : new int[] {0, 1, 7, 8, 9, 125, 126, 127, 65535, 65536}) {
            cases.add(ok("5.2 text of " + n + " bytes (Autobahn 1.1)", frame(0x81, pattern(n)), text(new String(pattern(n)))));
            cases.add(ok("5.2 binary of " + n + " bytes (Autobahn 1.2)", frame(0x82, pattern(n)), binary(pattern(n))));
        }
        // 5.2 says the minimal number of bytes MUST be used; relay accepts non-minimal forms (docs/architecture.md)
        cases.add(ok("5.2 non-minimal 16-bit length of 5 accepted", frame(0x81, utf8("hello"), Length.FORCE16, true), text("hello")));
        cases.add(ok("5.2 non-minimal 64-bit length of 5 accepted", frame(0x82, utf8("hello"), Length.FORCE64, true), binary(utf8("hello"))));
        cases.add(ok("5.2 non-minimal 64-bit length of 300 accepted", frame(0x82, pattern(300), Length.FORCE64, true), binary(pattern(300))));
        cases.add(ok("5.5 control frame with non-minimal 16-bit length of 4 accepted", frame(0x89, utf8("ping"), Length.FORCE16, true), ping(utf8("ping"))));
        cases.add(ok("5.3 all-zero masking key", cat(header64(0x82, 3), bytes(1, 2, 3)), binary(bytes(1, 2, 3))));
        cases.add(ok("5.6 several messages in one read", cat(frame(0x81, "a"), frame(0x82, bytes(0)), frame(0x81, "b")),
                text("a"), binary(bytes(0)), text("b")));
        // 5.4 fragmentation (Autobahn 5.x)
        cases.add(ok("5.4 text in two fragments (Autobahn 5.3)", cat(frame(0x01, "Hello, "), frame(0x80, "world")), text("Hello, world")));
        cases.add(ok("5.4 binary in three fragments", cat(frame(0x02, bytes(1)), frame(0x00, bytes(2, 3)), frame(0x80, bytes(4))),
                binary(bytes(1, 2, 3, 4))));
        cases.add(ok("5.4 empty first, middle and last fragments", cat(frame(0x01, ""), frame(0x00, "abc"), frame(0x00, ""), frame(0x80, "")),
                text("abc")));
        cases.add(ok("5.4 fragmented message of 65536 bytes in 16-bit pieces",
                cat(frame(0x02, pattern(30000)), frame(0x00, new byte[30000]), frame(0x80, pattern(5536))),
                binary(cat(pattern(30000), new byte[30000], pattern(5536)))));
        cases.add(ok("5.4 ping between fragments (Autobahn 5.6)", cat(frame(0x01, "frag1"), frame(0x89, "ping"), frame(0x80, "frag2")),
                ping(utf8("ping")), text("frag1frag2")));
        cases.add(ok("5.4 pong between fragments (Autobahn 5.7)", cat(frame(0x01, "frag1"), frame(0x8A, "pong"), frame(0x80, "frag2")),
                pong(utf8("pong")), text("frag1frag2")));
        cases.add(ok("5.4 pings around every fragment (Autobahn 5.19)",
                cat(frame(0x89, "p0"), frame(0x01, "a"), frame(0x89, "p1"), frame(0x00, "b"), frame(0x89, "p2"), frame(0x80, "c"), frame(0x89, "p3")),
                ping(utf8("p0")), ping(utf8("p1")), ping(utf8("p2")), text("abc"), ping(utf8("p3"))));
        cases.add(ok("5.4 close between fragments", cat(frame(0x01, "frag1"), close(1000, "bye")), "close:1000:bye"));
        // 5.5.2 / 5.5.3 ping and pong (Autobahn 2.x)
        cases.add(ok("5.5.2 ping without payload (Autobahn 2.1)", frame(0x89, new byte[0]), ping(new byte[0])));
        cases.add(ok("5.5.2 ping with text payload (Autobahn 2.2)", frame(0x89, "Hello, world!"), ping(utf8("Hello, world!"))));
        cases.add(ok("5.5.2 ping with binary payload (Autobahn 2.3)", frame(0x89, bytes(0, 0xFF, 0xFE, 0xFD)), ping(bytes(0, 0xFF, 0xFE, 0xFD))));
        cases.add(ok("5.5.2 ping with 125 bytes (Autobahn 2.4)", frame(0x89, pattern(125)), ping(pattern(125))));
        cases.add(ok("5.5.3 unsolicited pong without payload (Autobahn 2.7)", frame(0x8A, new byte[0]), pong(new byte[0])));
        cases.add(ok("5.5.3 unsolicited pong with payload (Autobahn 2.8)", frame(0x8A, "unsolicited"), pong(utf8("unsolicited"))));
        cases.add(ok("5.5.2 ten pings in a row (Autobahn 2.10)", cat(Stream.generate(() -> frame(0x89, "p")).limit(10).toArray(byte[][]::new)),
                Stream.generate(() -> ping(utf8("p"))).limit(10).toArray(String[]::new)));
        // 5.5.1 close payloads (Autobahn 7.3.x, 7.7.x)
        cases.add(ok("5.5.1 close without payload (Autobahn 7.3.1)", frame(0x88, new byte[0]), "close:1005:"));
        cases.add(ok("5.5.1 close with code only (Autobahn 7.3.3)", frame(0x88, bytes(0x03, 0xE8)), "close:1000:"));
        cases.add(ok("5.5.1 close with code and reason (Autobahn 7.3.4)", close(1000, "Hello World!"), "close:1000:Hello World!"));
        cases.add(ok("5.5.1 close with 123-byte reason (Autobahn 7.3.5)", close(1000, new String(pattern(123))), "close:1000:" + new String(pattern(123))));
        cases.add(ok("5.5.1 close with UTF-8 reason", close(1001, "κόσμε"), "close:1001:κόσμε"));
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
            cases.add(ok("7.4 valid close code " + code + " (Autobahn 7.7)", close(code, ""), "close:" + code + ":"));
        }
        // 8.1 UTF-8 (Autobahn 6.x)
        cases.add(ok("8.1 empty text (Autobahn 6.1.1)", frame(0x81, ""), text("")));
        cases.add(ok("8.1 two-, three- and four-byte characters (Autobahn 6.2)", frame(0x81, "Hello-µ@ßöäüàá-UTF-8!!"), text("Hello-µ@ßöäüàá-UTF-8!!")));
        cases.add(ok("8.1 kosme (Autobahn 6.5.1)", frame(0x81, "κόσμε"), text("κόσμε")));
        cases.add(ok("8.1 boundary characters U+0000 U+007F U+0080 U+07FF U+0800 U+FFFF U+10000 U+10FFFF",
                frame(0x81, "\u0000\u007F\u0080\u07FF\u0800\uFFFF" + Character.toString(0x10000) + Character.toString(0x10FFFF)),
                text("\u0000\u007F\u0080\u07FF\u0800\uFFFF" + Character.toString(0x10000) + Character.toString(0x10FFFF))));
        cases.add(ok("8.1 noncharacters U+FFFE, U+FDD0 are valid UTF-8 (Autobahn 6.21)", frame(0x81, "\uFFFE\uFDD0"), text("\uFFFE\uFDD0")));
        cases.add(ok("8.1 last code points before and after the surrogates", frame(0x81, "\uD7FF\uE000"), text("\uD7FF\uE000")));
        String mixed = "a€𝄞κ";
        byte[] m = utf8(mixed);
        for (int cut = 1; cut < m.length; cut++) {
            cases.add(ok("8.1 text split into fragments inside a character, at byte " + cut + " (Autobahn 6.4)",
                    cat(frame(0x01, java.util.Arrays.copyOfRange(m, 0, cut)), frame(0x80, java.util.Arrays.copyOfRange(m, cut, m.length))),
                    text(mixed)));
        }
        return cases.stream();
    }

    static Stream<Case> invalid() {
        List<Case> cases = new ArrayList<>();
        int e = CloseCode.PROTOCOL_ERROR;
        // 5.2 RSV bits (Autobahn 3.x)
        cases.add(fails("5.2 RSV1 on text (Autobahn 3.1)", e, frame(0xC1, "Hello")));
        cases.add(fails("5.2 RSV2 after a valid text (Autobahn 3.2)", e, cat(frame(0x81, "ok"), frame(0xA1, "Hello")), text("ok")));
        cases.add(fails("5.2 RSV3 on text (Autobahn 3.3)", e, frame(0x91, "Hello")));
        cases.add(fails("5.2 RSV1+RSV3 on binary (Autobahn 3.5)", e, frame(0xD2, bytes(1, 2))));
        cases.add(fails("5.2 RSV bits on ping (Autobahn 3.6)", e, frame(0xE9, "p")));
        cases.add(fails("5.2 RSV bits on close (Autobahn 3.7)", e, frame(0xF8, bytes(0x03, 0xE8))));
        cases.add(fails("5.2 RSV1 on a continuation", e, cat(frame(0x01, "a"), frame(0xC0, "b"))));
        // 5.2 reserved opcodes (Autobahn 4.1.x non-control, 4.2.x control)
        for (int op = 3; op <= 7; op++) {
            cases.add(fails("5.2 reserved data opcode " + op + " (Autobahn 4.1." + (op - 2) + ")", e, frame(0x80 | op, "x")));
        }
        for (int op = 0xB; op <= 0xF; op++) {
            cases.add(fails("5.2 reserved control opcode " + op + " (Autobahn 4.2." + (op - 10) + ")", e, frame(0x80 | op, "x")));
        }
        cases.add(fails("5.2 reserved opcode after a valid message (Autobahn 4.1.3)", e, cat(frame(0x81, "ok"), frame(0x85, "")), text("ok")));
        // 5.1 masking
        cases.add(fails("5.1 unmasked text", e, frame(0x81, utf8("hi"), Length.MINIMAL, false)));
        cases.add(fails("5.1 unmasked ping", e, frame(0x89, utf8(""), Length.MINIMAL, false)));
        cases.add(fails("5.1 unmasked close", e, frame(0x88, bytes(0x03, 0xE8), Length.MINIMAL, false)));
        cases.add(fails("5.1 unmasked frame after a masked one", e, cat(frame(0x81, "ok"), frame(0x81, utf8("no"), Length.MINIMAL, false)), text("ok")));
        // 5.2 64-bit length
        cases.add(fails("5.2 64-bit length with the most significant bit set", e, header64(0x82, 0x8000000000000000L)));
        cases.add(fails("5.2 64-bit length of all ones", e, header64(0x81, -1L)));
        cases.add(fails("5.2 64-bit length with the MSB set on a ping", e, header64(0x89, 0x8000000000000001L)));
        // 5.5 control frame rules
        cases.add(fails("5.5 ping with 126 bytes (Autobahn 2.5)", e, frame(0x89, pattern(126))));
        cases.add(fails("5.5 pong with 126 bytes", e, frame(0x8A, pattern(126))));
        cases.add(fails("5.5 close with 126 bytes (Autobahn 7.3.6)", e, close(1000, new String(pattern(124)))));
        cases.add(fails("5.5 ping with a 64-bit length over 125", e, header64(0x89, 200)));
        cases.add(fails("5.5 fragmented ping (Autobahn 5.1)", e, cat(frame(0x09, "ping"), frame(0x80, "ping"))));
        cases.add(fails("5.5 fragmented pong (Autobahn 5.2)", e, cat(frame(0x0A, "pong"), frame(0x80, "pong"))));
        cases.add(fails("5.5 fragmented close", e, frame(0x08, bytes(0x03, 0xE8))));
        cases.add(fails("5.5 fragmented ping between data fragments", e, cat(frame(0x01, "a"), frame(0x09, "p"))));
        // 5.4 continuation order
        cases.add(fails("5.4 continuation with FIN and no message (Autobahn 5.9)", e, frame(0x80, "fragment")));
        cases.add(fails("5.4 continuation without FIN and no message (Autobahn 5.10)", e, frame(0x00, "fragment")));
        cases.add(fails("5.4 continuation after a complete message (Autobahn 5.15)", e, cat(frame(0x81, "done"), frame(0x80, "more")), text("done")));
        cases.add(fails("5.4 text frame inside a fragmented text (Autobahn 5.18)", e, cat(frame(0x01, "a"), frame(0x81, "b"))));
        cases.add(fails("5.4 binary start inside a fragmented text", e, cat(frame(0x01, "a"), frame(0x02, bytes(1)))));
        cases.add(fails("5.4 new message after a ping inside a fragmented one", e, cat(frame(0x02, bytes(1)), frame(0x89, ""), frame(0x82, bytes(2))),
                ping(new byte[0])));
        // 5.5.1 / 7.4 close payloads (Autobahn 7.3.2, 7.9.x, 7.5.1)
        cases.add(fails("5.5.1 close with a one-byte payload (Autobahn 7.3.2)", e, frame(0x88, bytes(0x03))));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            cases.add(fails("7.4 invalid close code " + code + " (Autobahn 7.9)", e, close(code, "")));
        }
        cases.add(fails("8.1 close reason with invalid UTF-8 (Autobahn 7.5.1)", CloseCode.INVALID_PAYLOAD,
                frame(0x88, cat(bytes(0x03, 0xE8), bytes(0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64)))));
        cases.add(fails("8.1 close reason with a truncated sequence", CloseCode.INVALID_PAYLOAD, frame(0x88, bytes(0x03, 0xE8, 0xE2, 0x82))));
        // 8.1 invalid UTF-8 in text (Autobahn 6.x) -> 1007
        int u = CloseCode.INVALID_PAYLOAD;
        Object[][] badUtf8 = {
            {"byte 0xFF (Autobahn 6.3.1)", bytes(0x41, 0xFF, 0x42)},
            {"byte 0xFE", bytes(0xFE)},
            {"lone continuation byte (Autobahn 6.7)", bytes(0x80)},
            {"overlong 2-byte NUL C0 80 (Autobahn 6.16)", bytes(0xC0, 0x80)},
            {"overlong 2-byte C1 BF", bytes(0xC1, 0xBF)},
            {"overlong 3-byte E0 80 AF (Autobahn 6.16)", bytes(0xE0, 0x80, 0xAF)},
            {"overlong 3-byte E0 9F BF", bytes(0xE0, 0x9F, 0xBF)},
            {"overlong 4-byte F0 80 80 AF", bytes(0xF0, 0x80, 0x80, 0xAF)},
            {"overlong 4-byte F0 8F BF BF", bytes(0xF0, 0x8F, 0xBF, 0xBF)},
            {"surrogate U+D800 ED A0 80 (Autobahn 6.18)", bytes(0xED, 0xA0, 0x80)},
            {"surrogate U+DFFF ED BF BF (Autobahn 6.18)", bytes(0xED, 0xBF, 0xBF)},
            {"surrogate pair U+D800 U+DC00 (Autobahn 6.19)", bytes(0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80)},
            {"U+110000 F4 90 80 80 beyond U+10FFFF (Autobahn 6.8)", bytes(0xF4, 0x90, 0x80, 0x80)},
            {"lead byte F5", bytes(0xF5, 0x80, 0x80, 0x80)},
            {"five-byte sequence F8 88 80 80 80 (Autobahn 6.8.1)", bytes(0xF8, 0x88, 0x80, 0x80, 0x80)},
            {"six-byte sequence FC 84 80 80 80 80 (Autobahn 6.8.2)", bytes(0xFC, 0x84, 0x80, 0x80, 0x80, 0x80)},
            {"lead byte followed by ASCII (Autobahn 6.14)", bytes(0xC3, 0x41)},
            {"three-byte lead with one continuation then ASCII", bytes(0xE2, 0x82, 0x41)},
            {"truncated two-byte sequence at message end (Autobahn 6.14)", bytes(0x41, 0xC3)},
            {"truncated three-byte sequence at message end", bytes(0xE2, 0x82)},
            {"truncated four-byte sequence at message end", bytes(0xF0, 0x9D, 0x84)},
            {"invalid byte after 8 ASCII bytes (word-at-a-time path)", cat(utf8("abcdefgh"), bytes(0xFF))},
        };
        for (Object[] row : badUtf8) {
            byte[] payload = (byte[]) row[1];
            cases.add(fails("8.1 text with " + row[0], u, frame(0x81, payload)));
        }
        cases.add(fails("8.1 invalid UTF-8 in the second fragment (Autobahn 6.3.2)", u, cat(frame(0x01, "κόσμε"), frame(0x80, bytes(0xED, 0xA0, 0x80)))));
        cases.add(fails("8.1 invalid UTF-8 in the first fragment fails before the message ends (Autobahn 6.4.1)", u,
                cat(frame(0x01, bytes(0xCE, 0xBA, 0xF4, 0x90)), frame(0x80, "never"))));
        cases.add(fails("8.1 fragmented text ending inside a character", u, cat(frame(0x01, "a"), frame(0x80, bytes(0xE2, 0x82)))));
        cases.add(fails("8.1 fragmented text with an empty final fragment after a lead byte", u, cat(frame(0x01, bytes(0xC3)), frame(0x80, ""))));
        cases.add(fails("8.1 invalid text after a valid binary with the same bytes", u, cat(frame(0x82, bytes(0xFF)), frame(0x81, bytes(0xFF))),
                binary(bytes(0xFF))));
        // 10.4 message size limit -> 1009
        int big = CloseCode.MESSAGE_TOO_BIG;
        cases.add(failsWithMax("10.4 single frame one byte over the limit", 1024, big, frame(0x82, pattern(1025))));
        cases.add(failsWithMax("10.4 fragments adding up to one byte over the limit", 1024, big, cat(frame(0x01, pattern(512)), frame(0x80, pattern(513)))));
        cases.add(failsWithMax("10.4 huge 64-bit length is refused on its header", 1024, big, header64(0x82, 1L << 40)));
        cases.add(new Case("10.4 message of exactly the limit is accepted", cat(frame(0x02, pattern(512)), frame(0x89, pattern(100)), frame(0x80, pattern(512))),
                List.of(ping(pattern(100)), binary(cat(pattern(512), pattern(512)))), 0, 1024));
        return cases.stream();
    }

    static Stream<Case> all() {
        return Stream.concat(valid(), invalid());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void decodesWhole(Case c) {
        assertOutcome(c, Wire.decodeWhole(c.wire(), c.maxMessageBytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void decodesSplitAtEveryByteBoundary(Case c) {
        for (int cut : cuts(c.wire().length)) {
            Outcome outcome = Wire.decodeSplitAt(c.wire(), cut, c.maxMessageBytes());
            assertEquals(c.events(), outcome.events(), "split at " + cut);
            assertEquals(c.failure(), outcome.failure(), "split at " + cut);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void decodesOneByteAtATime(Case c) {
        assertOutcome(c, Wire.decodeBytewise(c.wire(), c.maxMessageBytes()));
    }

    private static void assertOutcome(Case c, Outcome outcome) {
        assertEquals(c.events(), outcome.events());
        assertEquals(c.failure(), outcome.failure(), "close code");
        if (c.failure() == 0) {
            assertEquals(0, outcome.leftover(), "bytes left undecoded");
        }
    }

    private static int[] cuts(int length) {
        if (length <= EXHAUSTIVE_SPLIT_LIMIT) {
            return java.util.stream.IntStream.range(1, length).toArray();
        }
        // Every header byte and the first payload bytes, every 8-byte-word phase near the end, and a stride.
        return java.util.stream.IntStream.concat(
                java.util.stream.IntStream.range(1, 64),
                java.util.stream.IntStream.concat(java.util.stream.IntStream.range(length - 64, length),
                        java.util.stream.IntStream.iterate(64, i -> i < length - 64, i -> i + 997)))
                .toArray();
    }

    // ---- failing fast: the close code comes before the bytes that would have to be buffered ----

    @Test
    void closesWith1009OnTheHeaderOfAnOversizedFrameBeforeAnyPayload() {
        byte[] header = java.util.Arrays.copyOf(frame(0x82, new byte[2000]), 8); // 2 + 2 length + 4 key
        assertEquals(CloseCode.MESSAGE_TOO_BIG, Wire.decodeWhole(header, 1024).failure());
    }

    @Test
    void closesWith1009OnTheHeaderOfTheContinuationThatCrossesTheLimit() {
        byte[] wire = cat(frame(0x01, pattern(1000)), java.util.Arrays.copyOf(frame(0x80, pattern(100)), 6));
        assertEquals(CloseCode.MESSAGE_TOO_BIG, Wire.decodeWhole(wire, 1024).failure());
    }

    @Test
    void closesWith1007AtTheFirstInvalidByteBeforeTheFrameEnds() {
        byte[] payload = cat(utf8("ok"), bytes(0xF4, 0x90), pattern(500));
        byte[] wire = frame(0x81, payload);
        int header = wire.length - payload.length;
        Outcome prefix = Wire.decodeWhole(java.util.Arrays.copyOf(wire, header + 4), MAX);
        assertEquals(CloseCode.INVALID_PAYLOAD, prefix.failure());
        Outcome before = Wire.decodeWhole(java.util.Arrays.copyOf(wire, header + 3), MAX);
        assertEquals(0, before.failure(), "F4 alone can still start a valid character");
    }

    @Test
    void closesWith1002OnAReservedOpcodeWithoutWaitingForThePayload() {
        byte[] header = java.util.Arrays.copyOf(frame(0x83, new byte[100]), 6);
        assertEquals(CloseCode.PROTOCOL_ERROR, Wire.decodeWhole(header, MAX).failure());
    }

    @Test
    void reportsAPartialHeaderAsNeedMoreBytes() {
        byte[] wire = frame(0x82, new byte[70000]);
        for (int n = 0; n < 14; n++) {
            Outcome outcome = Wire.decodeWhole(java.util.Arrays.copyOf(wire, n), MAX);
            assertEquals(0, outcome.failure());
            assertEquals(n, outcome.leftover(), "header bytes kept for the next read");
        }
    }

    @Test
    void unmasksInPlaceAndHandsOverTheFramePayload() {
        byte[] wire = frame(0x82, bytes(0xDE, 0xAD, 0xBE, 0xEF));
        assertEquals(List.of("binary:" + HexFormat.of().formatHex(bytes(0xDE, 0xAD, 0xBE, 0xEF))), Wire.decodeWhole(wire, MAX).events());
    }
}
