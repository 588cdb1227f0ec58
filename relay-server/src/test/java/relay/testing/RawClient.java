package relay.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import relay.ws.FrameWriter;

/**
 * A raw-socket WebSocket client for sending what well-behaved clients never would: malformed frames,
 * broken handshakes, byte-at-a-time writes. Reads frames back unparsed enough to assert close codes and
 * that the TCP connection ends.
 */
public final class RawClient implements AutoCloseable {
    public static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** A server frame as read back: opcode, fin and payload. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    public RawClient(int port) throws IOException {
        this(port, 0);
    }

    /**
     * @param receiveBufferBytes the socket's receive buffer, set before connecting so that it also bounds the
     *     TCP window (a small one makes a peer that stops reading fall behind quickly); 0 for the default
     */
    public RawClient(int port, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects and completes a valid upgrade to {@code path}; fails if the answer is not 101. */
    public static RawClient upgraded(int port, String path) throws IOException {
        return upgraded(port, path, 0);
    }

    /** As {@link #upgraded(int, String)} with a receive buffer of this size (0: default). */
    public static RawClient upgraded(int port, String path, int receiveBufferBytes) throws IOException {
        RawClient client = new RawClient(port, receiveBufferBytes);
        String response = client.request("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response);
        }
        return client;
    }

    /** Sends raw request bytes and returns the response head (up to the blank line). */
    public String request(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readHead();
    }

    public String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads the rest of the stream until the server closes it (for plain HTTP bodies). */
    public String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes one byte at a time, flushing each, to exercise resumable parsing. */
    public void writeSlowly(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
    }

    /** A masked client frame with the given first byte (FIN, RSV, opcode) and payload. */
    public static byte[] frame(int firstByte, byte[] payload) {
        int mask = ThreadLocalRandom.current().nextInt();
        byte[] masked = FrameWriter.encodeMasked((firstByte & 0x80) != 0, firstByte & 0x0F, payload, 0, payload.length, mask);
        masked[0] = (byte) firstByte;
        return masked;
    }

    /** An unmasked frame, which a server must refuse. */
    public static byte[] unmaskedFrame(int firstByte, byte[] payload) {
        byte[] frame = FrameWriter.encode(firstByte & 0x0F, payload);
        frame[0] = (byte) firstByte;
        return frame;
    }

    /** Sends a masked text frame. */
    public void sendText(String text) throws IOException {
        write(frame(0x81, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Half-closes: sends FIN (shutdownOutput) and keeps reading, as a peer whose writer side ended. */
    public void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    /** Ends the connection with a TCP reset instead of a FIN (SO_LINGER 0, then close), as a crashed peer. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Sets how long reads (and so {@link #serverClosesConnection}) wait. */
    public RawClient timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
        return this;
    }

    /** A masked Close frame with this code and reason. */
    public static byte[] closeFrame(int code, String reason) {
        return frame(0x88, FrameWriter.closePayload(code, reason));
    }

    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frame is masked");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new IOException("stream ended inside a frame");
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Reads frames until a Close arrives and returns it. */
    public Frame readClose() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == 8) {
                return frame;
            }
        }
    }

    /** True if the server ends the TCP connection (EOF or reset) within the socket timeout. */
    public boolean serverClosesConnection() throws IOException {
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("stream ended");
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
