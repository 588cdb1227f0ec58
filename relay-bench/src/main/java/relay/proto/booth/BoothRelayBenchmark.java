package relay.proto.booth;

import java.nio.charset.StandardCharsets;
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

/**
 * The booth relay's own per-message work, calling {@link BoothEndpoint}'s code (this class shares its
 * package): recognise a {@code relay_message} on the bytes and find its data ({@link BoothMessageReader}: one
 * checked walk), then write the {@code message_from_scanner} / {@code message_from_booth} frame with the data
 * copied raw and a fresh timestamp.
 *
 * <p>Expected allocation: the frame and nothing else, i.e. {@code 16 + align8(header + payload)} bytes
 * (payload = data + about 90 bytes of keys and timestamp). Everything before (the checked walk, the
 * timestamp) must be 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BoothRelayBenchmark {
    @Param({"16", "128", "1024"})
    int size;

    final BoothMessageReader reader = new BoothMessageReader();
    final BoothId booth = BoothId.of("booth-7", "\"booth-7\"".getBytes(StandardCharsets.US_ASCII));
    byte[] message;

    @Setup
    public void setUp() {
        message = ("{\"type\":\"relay_message\",\"data\":{\"code\":\"ABC-123\",\"p\":\"" + "x".repeat(size) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public BoothMessageReader.HotType recogniseOnly() {
        return reader.read(message, 0, message.length);
    }

    @Benchmark
    public byte[] scannerToBooth() {
        if (reader.read(message, 0, message.length) != BoothMessageReader.HotType.RELAY_MESSAGE) {
            throw new IllegalStateException("not recognised");
        }
        return BoothEndpoint.scannerFrame(message, reader.data());
    }

    @Benchmark
    public byte[] boothToScanner() {
        if (reader.read(message, 0, message.length) != BoothMessageReader.HotType.RELAY_MESSAGE) {
            throw new IllegalStateException("not recognised");
        }
        return BoothEndpoint.boothFrame(message, reader.data(), booth);
    }
}
