package relay.bench.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.concurrent.ThreadLocalRandom;
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
import relay.ws.Masking;

/**
 * Unmasking in place (RFC 6455 5.3), 16 B to 64 KiB, four ways: {@link Masking#applyScalar} (byte at a
 * time, the reference), {@link Masking#apply} (relay's: a native-order long VarHandle and the key laid out
 * in memory order, eight bytes per step), {@code applyBigEndianLongs} (relay's first version: a big-endian
 * VarHandle, which costs two byte swaps per word on x86), and {@code applyLongBuffer} (a {@link LongBuffer}
 * view over a heap {@link ByteBuffer}, which C2 vectorizes). The vector API would need {@code --add-modules jdk.incubator.vector},
 * which relay does not require, so it is not here.
 *
 * <p>Expected allocation: 0 B/op for all but {@code applyLongBuffer}, which allocates its two view buffers
 * per call unless escape analysis removes them (-prof gc shows which).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MaskingBenchmark {
    private static final VarHandle BE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    @Param({"16", "128", "1024", "8192", "65536"})
    int size;

    byte[] payload;
    final int maskKey = 0x1234ABCD;

    @Setup
    public void setUp() {
        payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
    }

    @Benchmark
    public int applyScalar() {
        return Masking.applyScalar(payload, 0, size, maskKey, 0);
    }

    @Benchmark
    public int applyNativeOrderLongs() {
        return Masking.apply(payload, 0, size, maskKey, 0);
    }

    @Benchmark
    public int applyBigEndianLongs() {
        long wide = ((long) maskKey << 32) | (maskKey & 0xFFFFFFFFL);
        int i = 0;
        for (; i + 8 <= size; i += 8) {
            BE_LONGS.set(payload, i, (long) BE_LONGS.get(payload, i) ^ wide);
        }
        for (int shift = 24; i < size; i++, shift -= 8) {
            payload[i] ^= (byte) (maskKey >>> shift);
        }
        return size & 3;
    }

    @Benchmark
    public int applyLongBuffer() {
        long wide = ((long) maskKey << 32) | (maskKey & 0xFFFFFFFFL);
        LongBuffer longs = ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN).asLongBuffer();
        int n = longs.remaining();
        for (int j = 0; j < n; j++) {
            longs.put(j, longs.get(j) ^ wide);
        }
        for (int i = n * 8, shift = 24; i < size; i++, shift -= 8) {
            payload[i] ^= (byte) (maskKey >>> shift);
        }
        return size & 3;
    }
}
