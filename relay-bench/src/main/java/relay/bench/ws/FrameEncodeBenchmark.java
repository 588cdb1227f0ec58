package relay.bench.ws;

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
import relay.ws.FrameWriter;
import relay.ws.Masking;
import relay.ws.Opcode;

/**
 * Encoding frames of 16 B to 64 KiB. {@code encodeServerFrame}: {@link FrameWriter#encode}, the immutable
 * frame relay builds once per relayed message and shares between all recipients (expected allocation:
 * one array of header + payload bytes, i.e. about size + 16..24 B/op, and nothing else).
 * {@code encodeMaskedIntoBuffer}: a client frame written into a reused buffer (header, copy, mask in
 * place), as the load generator sends (expected allocation: 0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameEncodeBenchmark {
    @Param({"16", "128", "1024", "8192", "65536"})
    int size;

    byte[] payload;
    byte[] buffer;
    int maskKey = 0x1234ABCD;

    @Setup
    public void setUp() {
        payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
        buffer = new byte[size + FrameWriter.headerLength(size, true)];
    }

    @Benchmark
    public byte[] encodeServerFrame() {
        return FrameWriter.encode(Opcode.BINARY, payload, 0, size);
    }

    @Benchmark
    public int encodeMaskedIntoBuffer() {
        maskKey = maskKey * 1_103_515_245 + 12_345;
        int header = FrameWriter.writeHeader(buffer, 0, true, Opcode.BINARY, size, true, maskKey);
        System.arraycopy(payload, 0, buffer, header, size);
        return Masking.apply(buffer, header, size, maskKey, 0);
    }
}
