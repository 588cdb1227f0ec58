package relay.loadgen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.ws.FrameReader;
import relay.ws.MessageAssembler;
import relay.ws.MessageHandler;
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
        byte[][] received = new byte[1][];
        FrameReader server = new FrameReader(new MessageAssembler(new MessageHandler() {
            @Override
            public void onText(byte[] bytes, int offset, int length) {}

            @Override
            public void onBinary(byte[] bytes, int offset, int length) {
                received[0] = Arrays.copyOfRange(bytes, offset, offset + length);
            }

            @Override
            public void onPing(byte[] bytes, int offset, int length) {}

            @Override
            public void onPong(byte[] bytes, int offset, int length) {}

            @Override
            public void onClose(int code, byte[] reason, int offset, int length) {}
        }), true, 1 << 20);

        assertEquals(frame.length - 1, server.read(frame, 1, frame.length - 1));
        assertArrayEquals(payload, received[0]);
        assertEquals(frame.length - 1, framer.encode(Opcode.BINARY, payload, 0, size).length);
    }
}
