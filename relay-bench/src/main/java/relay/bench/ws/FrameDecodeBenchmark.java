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
import org.openjdk.jmh.infra.Blackhole;
import relay.ws.FrameHandler;
import relay.ws.FrameReader;
import relay.ws.FrameWriter;
import relay.ws.MessageAssembler;
import relay.ws.MessageHandler;
import relay.ws.Opcode;

/**
 * Decoding one masked client frame (16 B to 64 KiB) as a server connection does: {@link FrameReader} parses
 * the header and unmasks the payload in place; {@code assemble} adds {@link MessageAssembler} (message
 * delivery without a copy when the frame arrived whole). The frame is unmasked in place, so each
 * invocation flips it between masked and plain: the work is the same every time.
 *
 * <p>Expected allocation: 0 B/op for both (the reader and assembler keep no per-frame objects).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameDecodeBenchmark {
    @Param({"16", "128", "1024", "8192", "65536"})
    int size;

    byte[] frame;
    FrameReader reader;
    FrameReader assemblingReader;
    Blackhole blackhole;

    @Setup
    public void setUp(Blackhole bh) {
        this.blackhole = bh;
        byte[] payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
        frame = FrameWriter.encodeMasked(true, Opcode.BINARY, payload, 0, size, 0x1234ABCD);
        reader = new FrameReader(new FrameHandler() {
            @Override
            public void onFrameStart(boolean fin, int opcode, long payloadLength) {
                blackhole.consume(payloadLength);
            }

            @Override
            public void onPayload(byte[] bytes, int offset, int length) {
                blackhole.consume(length);
            }

            @Override
            public void onFrameEnd() {
                blackhole.consume(true);
            }
        }, true, 1 << 20);
        assemblingReader = new FrameReader(new MessageAssembler(new MessageHandler() {
            @Override
            public void onText(byte[] bytes, int offset, int length) {
                blackhole.consume(length);
            }

            @Override
            public void onBinary(byte[] bytes, int offset, int length) {
                blackhole.consume(length);
            }

            @Override
            public void onPing(byte[] bytes, int offset, int length) {}

            @Override
            public void onPong(byte[] bytes, int offset, int length) {}

            @Override
            public void onClose(int code, byte[] reason, int offset, int length) {}
        }), true, 1 << 20);
    }

    @Benchmark
    public int decode() {
        return reader.read(frame, 0, frame.length);
    }

    @Benchmark
    public int assemble() {
        return assemblingReader.read(frame, 0, frame.length);
    }
}
