package relay.loadgen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.ws.FrameHandler;
import relay.ws.FrameReader;
import relay.ws.Opcode;

/** The load generator's masked client frames, decoded by relay's own server-side reader. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientFramerTest {
    @ParameterizedTest(name = "payload {0} bytes")
    @ValueSource(ints = {0, 125, 126, 65535, 65536})
    void maskedFramesDecodeOnRelaysServerSide(int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) i;
        }
        ClientFramer framer = new ClientFramer();
        byte[] frame = new byte[ClientFramer.frameLength(size) + 1];
        assertEquals(frame.length - 1, framer.write(frame, 1, Opcode.BINARY, payload, 0, size));
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int[] header = new int[2];
        FrameReader server = new FrameReader(new FrameHandler() {
            @Override
            public void onFrameStart(boolean fin, int opcode, long payloadLength) {
                header[0] = fin ? 1 : 0;
                header[1] = opcode;
            }

            @Override
            public void onPayload(byte[] bytes, int offset, int length) {
                received.write(bytes, offset, length);
            }

            @Override
            public void onFrameEnd() {}
        }, true, 1 << 20);

        assertEquals(frame.length - 1, server.read(frame, 1, frame.length - 1));
        assertArrayEquals(new int[] {1, Opcode.BINARY}, header, "one final binary frame");
        assertArrayEquals(payload, received.toByteArray(), "unmasked by the server, the payload sent");
        assertEquals(frame.length - 1, framer.encode(Opcode.BINARY, payload, 0, size).length);
    }
}
