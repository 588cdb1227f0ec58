package relay.loadgen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.loadgen.RawServerEnd;
import relay.loadgen.RawServerEnd.MaskedFrame;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * A connection decodes a canned Ping at open so that the generator's receive path has met a control frame
 * before anything is measured (see {@code WsConnection.primeControlPath}). That must leave nothing on the
 * wire: the server here pings once after the 101, and the first two frames it gets back must be the Pong to
 * its own Ping, carrying its payload, and the client's first message, in either order.
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
                RawServerEnd.acceptUpgrade(in, out);
                out.write(FrameWriter.encode(Opcode.PING, PING_PAYLOAD, 0, PING_PAYLOAD.length));
                out.flush();

                // the client may send its message before or after it reads the Ping; never an empty Pong
                MaskedFrame first = Objects.requireNonNull(MaskedFrame.read(in), "the client's first frame");
                MaskedFrame second = Objects.requireNonNull(MaskedFrame.read(in), "the client's second frame");
                MaskedFrame pong = first.opcode() == Opcode.PONG ? first : second;
                MaskedFrame text = first.opcode() == Opcode.PONG ? second : first;
                assertEquals(Opcode.PONG, pong.opcode(), "one of the first two frames answers the server's Ping");
                assertArrayEquals(PING_PAYLOAD, pong.payload(), "the Pong carries the server's Ping payload (5.5.3)");
                assertEquals(Opcode.TEXT, text.opcode(), "the other is the client's message, not a second Pong");
                assertEquals("hello", text.text());
            }
        } finally {
            loop.stop();
        }
    }
}
