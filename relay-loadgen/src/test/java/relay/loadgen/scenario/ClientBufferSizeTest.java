package relay.loadgen.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import relay.loadgen.net.WsConnection;

/** The generator's client buffers shrink with the connection count so that large rooms fit in its heap. */
class ClientBufferSizeTest {
    private static final int READ = WsConnection.DEFAULT_READ_BUFFER_BYTES;
    private static final int WRITE = WsConnection.DEFAULT_WRITE_BUFFER_BYTES;
    private static final long HEAP_6G = 6L << 30;

    @Test
    void aFewThousandConnectionsKeepTheDefaults() {
        assertEquals(READ, Scenario.bufferBytes(READ, 5_000, HEAP_6G));
        assertEquals(WRITE, Scenario.bufferBytes(WRITE, 5_000, HEAP_6G));
    }

    @Test
    void aRoomOfFifteenThousandTakesAThirdOfTheHeapAtMost() {
        int read = Scenario.bufferBytes(READ, 15_000, HEAP_6G);
        int write = Scenario.bufferBytes(WRITE, 15_000, HEAP_6G);
        assertTrue(read < READ && write < WRITE, read + " " + write);
        assertTrue(15_000L * (read + write) <= HEAP_6G / 3, "buffers " + 15_000L * (read + write));
        assertEquals(2.0, (double) write / read, 0.01); // the split between the two stays the default's
    }

    @Test
    void neverBelowTheFloorHoweverManyConnections() {
        assertEquals(Scenario.MIN_BUFFER_BYTES, Scenario.bufferBytes(READ, 1_000_000, 1L << 30));
        assertEquals(Scenario.MIN_BUFFER_BYTES, Scenario.bufferBytes(WRITE, 1_000_000, 1L << 30));
    }
}
