package relay.bench.net;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpscChunkedArrayQueue;
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
import relay.ws.Opcode;

/**
 * Fan-out of one relayed message to N connections' outbound queues (a broadcast or CarParty room of N):
 * {@code encodeOnceShareFrame} encodes the frame once and offers the same array to every queue (relay's
 * way); {@code encodePerRecipient} encodes it again for each recipient (the counter-example). Each
 * operation also drains the queues, as the writers would, so they never fill. Score per operation = one
 * message to all N; divide by N for the cost per delivery.
 *
 * <p>Expected allocation: one frame (payload + header bytes) per operation for encodeOnceShareFrame,
 * whatever N is; N frames for encodePerRecipient.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FanOutBenchmark {
    @Param({"1", "10", "100", "1000"})
    int recipients;

    @Param({"128"})
    int size;

    MpscChunkedArrayQueue<byte[]>[] queues;
    byte[] payload;

    @SuppressWarnings("unchecked")
    @Setup
    public void setUp() {
        queues = new MpscChunkedArrayQueue[recipients];
        for (int i = 0; i < recipients; i++) {
            queues[i] = new MpscChunkedArrayQueue<>(8, 4096);
        }
        payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
    }

    @Benchmark
    public int encodeOnceShareFrame() {
        byte[] frame = FrameWriter.encode(Opcode.TEXT, payload, 0, size);
        for (MpscChunkedArrayQueue<byte[]> q : queues) {
            q.offer(frame);
        }
        return drain();
    }

    @Benchmark
    public int encodePerRecipient() {
        for (MpscChunkedArrayQueue<byte[]> q : queues) {
            q.offer(FrameWriter.encode(Opcode.TEXT, payload, 0, size));
        }
        return drain();
    }

    private int drain() {
        int bytes = 0;
        for (MpscChunkedArrayQueue<byte[]> q : queues) {
            byte[] f = q.relaxedPoll();
            bytes += f.length;
        }
        return bytes;
    }
}
