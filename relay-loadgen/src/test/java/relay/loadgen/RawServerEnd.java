package relay.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import relay.ws.Handshake;

/**
 * The server's end of a WebSocket, written by hand on a blocking socket, for tests that need a server doing
 * something no real one does (never reading, pinging at a chosen moment): it answers the opening handshake
 * and reads the client's masked frames (RFC 6455 5.2, 5.3).
 */
public final class RawServerEnd {
    private RawServerEnd() {
    }

    /** Reads the client's upgrade request and answers it with 101. */
    public static void acceptUpgrade(InputStream in, OutputStream out) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed before its upgrade request ended");
            }
            head.append((char) b);
        }
        String key = head.toString().lines()
                .filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18))
                .map(l -> l.substring(18).trim()).findFirst().orElseThrow();
        out.write(Handshake.switchingProtocols(Handshake.acceptValue(key)));
        out.flush();
    }

    /** One masked client frame, unmasked. */
    public record MaskedFrame(int opcode, byte[] payload) {
        /** The next frame; null at the end of the stream. */
        public static MaskedFrame read(InputStream in) throws IOException {
            byte[] head = in.readNBytes(2);
            if (head.length < 2) {
                return null;
            }
            long length = head[1] & 0x7f;
            if (length == 126) {
                length = ByteBuffer.wrap(in.readNBytes(2)).getShort() & 0xffff;
            } else if (length == 127) {
                length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes(Math.toIntExact(length));
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new MaskedFrame(head[0] & 0x0f, payload);
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }
}
