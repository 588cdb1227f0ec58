package relay.loadgen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.ws.FrameWriter;
import relay.ws.Handshake;
import relay.ws.Opcode;

/**
 * A connection decodes a canned Ping at open so that the generator's receive path has met a control frame
 * before anything is measured (see {@code WsConnection.primeControlPath}). That must leave nothing on the
 * wire: the server here pings once after the 101, and the first frame it gets back must be the Pong to its
 * own Ping, carrying its payload, and then the client's first message.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlPathPrimingIT {
    private static final byte[] PING_PAYLOAD = "are you there".getBytes(StandardCharsets.UTF_8);

    @Test
    void primingAtOpenSendsNothingAndARealPingIsStillAnswered() throws Exception {
        EventLoop loop = new EventLoop("priming-test-loop");
        loop.start();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            WsListener sendsHelloOnOpen = new WsListener() {
                @Override
                public void onOpen(WsConnection connection, long nowNs) {
                    byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
                    connection.sendText(hello, 0, hello.length);
                }

                @Override
                public void onText(WsConnection connection, byte[] bytes, int offset, int length, long nowNs) { }
            };
            WsConnection client = new WsConnection(loop, (InetSocketAddress) server.getLocalSocketAddress(), null,
                    "/", 1, sendsHelloOnOpen, 4096, 4096);
            client.connect();
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                upgrade(in, out);
                out.write(FrameWriter.encode(Opcode.PING, PING_PAYLOAD, 0, PING_PAYLOAD.length));
                out.flush();

                // the client may send its message before or after it reads the Ping; never an empty Pong
                ClientFrame first = ClientFrame.read(in);
                ClientFrame second = ClientFrame.read(in);
                ClientFrame pong = first.opcode == Opcode.PONG ? first : second;
                ClientFrame text = first.opcode == Opcode.PONG ? second : first;
                assertEquals(Opcode.PONG, pong.opcode, "one of the first two frames answers the server's Ping");
                assertArrayEquals(PING_PAYLOAD, pong.payload, "the Pong carries the server's Ping payload (5.5.3)");
                assertEquals(Opcode.TEXT, text.opcode, "the other is the client's message, not a second Pong");
                assertEquals("hello", new String(text.payload, StandardCharsets.UTF_8));
            }
        } finally {
            loop.stop();
        }
    }

    private static void upgrade(InputStream in, OutputStream out) throws IOException {
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

    /** One small masked client frame (payload under 126 bytes, as both frames here are). */
    private record ClientFrame(int opcode, byte[] payload) {
        static ClientFrame read(InputStream in) throws IOException {
            byte[] head = in.readNBytes(2);
            if (head.length < 2) {
                throw new IOException("the client closed the connection");
            }
            int length = head[1] & 0x7f;
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes(length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new ClientFrame(head[0] & 0x0f, payload);
        }
    }
}
