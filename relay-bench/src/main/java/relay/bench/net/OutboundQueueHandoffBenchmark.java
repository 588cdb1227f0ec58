package relay.bench.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscChunkedArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * Handing frames from a producer (a sender's reader thread) to a connection's writer through its outbound
 * queue, producer and consumer on two threads (this machine has two cores, so one producer): JCTools
 * {@code MpscChunkedArrayQueue} (relay's ConnectionWriter: starts at 8 slots, grows to 4096) and
 * {@code MpscArrayQueue} against the JDK's {@code ConcurrentLinkedQueue} and {@code ArrayBlockingQueue}.
 * Every operation is one successful handoff: the producer retries a full queue and the consumer an empty
 * one (until JMH ends the iteration), and every queue holds at most 4096 frames (the JDK's linked queue
 * has no bound of its own, so a shared counter bounds it, and the others alike). Throughput mode: the
 * offer and poll scores are handoffs per microsecond.
 *
 * <p>Expected allocation: 0 B/op for the array queues; one 24 B node per offer for
 * ConcurrentLinkedQueue; for the chunked queue, nothing once it has grown to what the burst needs.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OutboundQueueHandoffBenchmark {
    static final int CAPACITY = 4096;
    private static final VarHandle POLLED;

    static {
        try {
            POLLED = MethodHandles.lookup().findVarHandle(OutboundQueueHandoffBenchmark.class, "polled", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Param({"mpscChunked", "mpscArray", "concurrentLinked", "arrayBlocking"})
    String queueType;

    Queue<byte[]> queue;
    final byte[] frame = new byte[128];
    long offered;
    @SuppressWarnings("unused") // through POLLED
    volatile long polled;

    @Setup
    public void setUp() {
        queue = switch (queueType) {
            case "mpscChunked" -> new MpscChunkedArrayQueue<>(8, CAPACITY);
            case "mpscArray" -> new MpscArrayQueue<>(CAPACITY);
            case "concurrentLinked" -> new ConcurrentLinkedQueue<>();
            case "arrayBlocking" -> new ArrayBlockingQueue<>(CAPACITY);
            default -> throw new IllegalArgumentException(queueType);
        };
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void offer(Control control) {
        while (offered - (long) POLLED.getAcquire(this) >= CAPACITY || !queue.offer(frame)) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        offered++;
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public byte[] poll(Control control) {
        byte[] f;
        while ((f = queue.poll()) == null) {
            if (control.stopMeasurement) {
                return null;
            }
            Thread.onSpinWait();
        }
        POLLED.setRelease(this, (long) POLLED.getOpaque(this) + 1);
        return f;
    }
}
