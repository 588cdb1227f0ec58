package relay.bench.ws;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
 * UTF-8 validation of a text message (16 B to 64 KiB; JSON-like ASCII, or text with 2-, 3- and 4-byte
 * characters): relay's {@link relay.ws.Utf8Validator} (a DFA with an eight-bytes-at-a-time ASCII skip)
 * against the JDK's {@link CharsetDecoder} with REPORT actions, decoding into a reused
 * {@link CharBuffer} (the JDK cannot validate without producing chars).
 *
 * <p>Expected allocation: 0 B/op for the validator; 0 B/op for the decoder too once its buffers are
 * reused (the ByteBuffer wrapper is allocated per call unless escape analysis removes it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Utf8ValidationBenchmark {
    @Param({"16", "128", "1024", "8192", "65536"})
    int size;

    @Param({"ascii", "mixed"})
    String text;

    byte[] bytes;
    CharsetDecoder decoder;
    CharBuffer chars;

    @Setup
    public void setUp() {
        String unit = text.equals("ascii") ? "{\"type\":\"relay_message\",\"data\":\"abc\"}" : "{\"n\":\"Zürich – 東京 🚗\"}";
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < size) {
            sb.append(unit);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        int end = size;
        while (end > 0 && (all[end] & 0xC0) == 0x80) {
            end--; // cut on a character boundary
        }
        bytes = java.util.Arrays.copyOf(all, end);
        decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        chars = CharBuffer.allocate(bytes.length);
    }

    @Benchmark
    public boolean relayValidator() {
        return relay.ws.Utf8Validator.isValid(bytes, 0, bytes.length);
    }

    @Benchmark
    public boolean jdkCharsetDecoder() {
        decoder.reset();
        chars.clear();
        CoderResult result = decoder.decode(ByteBuffer.wrap(bytes), chars, true);
        return !result.isError() && !decoder.flush(chars).isError();
    }
}
