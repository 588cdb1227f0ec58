package relay.net;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import relay.config.Limits;

/**
 * A connection's read loop as {@link ReadBuffer} sizes it (this class shares its package), for a client that
 * alternates one large message with one small one: each op reads a {@code large}-byte message and a 64-byte
 * one through the buffer, as {@code channel.read} would when the whole message is already in the socket
 * (one read fills what the buffer has free), and the decoder takes every byte. No socket, no decoding: what
 * it shows is the buffer's reallocation per op, and the number of reads.
 *
 * <p>Expected allocation: 0 B/op once the buffer has grown for the large message and is kept; a policy that
 * shrinks at the first small read allocates every doubling and the small buffer again each op (131,136 B/op at
 * 64 KiB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReadBufferBenchmark {
    private static final int SMALL = 64;

    @Param({"4096", "65536"})
    int large;

    ReadBuffer buffer;
    final byte[] socket = new byte[Limits.DEFAULT_READ_BUFFER_BYTES];
    long nowNs;

    @Setup
    public void setUp() {
        buffer = new ReadBuffer(Limits.DEFAULT_READ_BUFFER_BYTES);
    }

    /** Returns the number of reads the two messages took. */
    @Benchmark
    public int largeThenSmall() {
        return receive(large) + receive(SMALL);
    }

    private int receive(int messageBytes) {
        int reads = 0;
        for (int left = messageBytes; left > 0; reads++) {
            ByteBuffer in = buffer.input();
            int n = Math.min(left, in.remaining());
            in.put(socket, 0, n);
            left -= n;
            nowNs += 1_000; // a microsecond per read: never idle
            buffer.consumed(buffer.length(), n, nowNs);
        }
        return reads;
    }
}
