package relay.ws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds client frames byte by byte for decoder tests, including the ones a well-behaved encoder never
 * writes (reserved bits, non-minimal or out-of-range lengths, unmasked frames), and decodes wire bytes the
 * way the connection loop does (carrying an incomplete header over to the next read) into a list of events.
 */
final class Wire {
    /** How a payload length is written: the shortest form, or a forced (non-minimal) 16- or 64-bit form. */
    enum Length { MINIMAL, FORCE16, FORCE64 }

    private static int nextKey = 0x37FA213D;

    private Wire() {}

    /** A masked frame with first byte {@code b0} (FIN, RSV, opcode) and the shortest length encoding. */
    static byte[] frame(int b0, byte[] payload) {
        return frame(b0, payload, Length.MINIMAL, true);
    }

    static byte[] frame(int b0, String text) {
        return frame(b0, utf8(text));
    }

    static byte[] frame(int b0, byte[] payload, Length length, boolean masked) {
        int key = nextKey;
        nextKey = nextKey * 31 + 0x9E3779B9; // a different key per frame, all four bytes in play
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (length == Length.MINIMAL && n < 126) {
            out.write(maskBit | n);
        } else if (length != Length.FORCE64 && n <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            out.write(key >>> 24);
            out.write(key >>> 16);
            out.write(key >>> 8);
            out.write(key);
            Masking.applyScalar(body, 0, body.length, key, 0);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A masked header announcing {@code length} (written verbatim as 64 bits) with no payload behind it. */
    static byte[] header64(int b0, long length) {
        byte[] h = new byte[14];
        h[0] = (byte) b0;
        h[1] = (byte) (0x80 | 127);
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (length >>> (56 - 8 * i));
        }
        return h; // mask key 0: the payload, if any, is sent as is
    }

    static byte[] close(int code, String reason) {
        byte[] r = utf8(reason);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return frame(0x88, p);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** {@code n} bytes of a repeating, position-dependent pattern (ASCII, so also valid text). */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
        }
        return b;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---- decoding ----

    /** What a decode produced: the events in order, then the close code it failed with (0 if none). */
    record Outcome(List<String> events, int failure, int leftover) {}

    /** Event notation: {@code text:<string>}, {@code binary:<hex>}, {@code ping:<hex>}, {@code close:<code>:<reason>}. */
    static String describe(String kind, byte[] bytes, int offset, int length) {
        if (length > 64) {
            byte[] copy = Arrays.copyOfRange(bytes, offset, offset + length);
            return kind + ":" + length + "B#" + Integer.toHexString(Arrays.hashCode(copy));
        }
        if (kind.equals("text")) {
            return "text:" + new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
        return kind + ":" + HexFormat.of().formatHex(bytes, offset, offset + length);
    }

    static String text(String s) {
        byte[] b = utf8(s);
        return describe("text", b, 0, b.length);
    }

    static String binary(byte[] b) {
        return describe("binary", b, 0, b.length);
    }

    /** Decodes {@code wire} as a server would, delivered in chunks that end at {@code cuts} (ascending). */
    static Outcome decode(byte[] wire, int[] cuts, long maxMessageBytes) {
        List<String> events = new ArrayList<>();
        MessageHandler recorder = new MessageHandler() {
            @Override
            public void onText(byte[] bytes, int offset, int length) {
                events.add(describe("text", bytes, offset, length));
            }

            @Override
            public void onBinary(byte[] bytes, int offset, int length) {
                events.add(describe("binary", bytes, offset, length));
            }

            @Override
            public void onPing(byte[] bytes, int offset, int length) {
                events.add(describe("ping", bytes, offset, length));
            }

            @Override
            public void onPong(byte[] bytes, int offset, int length) {
                events.add(describe("pong", bytes, offset, length));
            }

            @Override
            public void onClose(int code, byte[] reason, int offset, int length) {
                events.add("close:" + code + ":" + new String(reason, offset, length, StandardCharsets.UTF_8));
            }
        };
        FrameReader reader = new FrameReader(new MessageAssembler(recorder), true, maxMessageBytes);
        byte[] buffer = new byte[wire.length + FrameReader.MAX_HEADER_BYTES];
        int end = 0;
        int from = 0;
        try {
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : wire.length;
                if (to <= from) {
                    continue;
                }
                System.arraycopy(wire, from, buffer, end, to - from);
                end += to - from;
                from = to;
                int consumed = reader.read(buffer, 0, end);
                System.arraycopy(buffer, consumed, buffer, 0, end - consumed);
                end -= consumed;
            }
        } catch (ProtocolException e) {
            return new Outcome(events, e.closeCode(), 0);
        }
        return new Outcome(events, 0, end);
    }

    static Outcome decodeWhole(byte[] wire, long maxMessageBytes) {
        return decode(wire, new int[0], maxMessageBytes);
    }

    static Outcome decodeSplitAt(byte[] wire, int cut, long maxMessageBytes) {
        return decode(wire, new int[] {cut}, maxMessageBytes);
    }

    static Outcome decodeBytewise(byte[] wire, long maxMessageBytes) {
        int[] cuts = new int[Math.max(0, wire.length - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return decode(wire, cuts, maxMessageBytes);
    }
}
