package relay.bench.proto;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
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
import relay.json.Json;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * The JSON work each protocol does per relayed message, done through a tree: parse with {@link Json#parse}
 * into maps, rewrite, {@link Json#write}, encode one frame. The message carries a data member of 16 B to
 * 64 KiB. Signaling still works this way; booth and CarParty now rewrite on the bytes, and their own code
 * is measured by {@code relay.proto.booth.BoothRelayBenchmark} and
 * {@code relay.proto.carparty.CarpartyRelayBenchmark}. The tree versions stay here as the comparison.
 * <ul>
 *   <li>{@code carpartyInjectClientId}: a client's input gets its {@code client_id} set (protocols.md, carparty);</li>
 *   <li>{@code boothWrapScannerMessage}: a scanner's {@code relay_message} becomes
 *       {@code message_from_scanner} with data, original_type and an ISO timestamp (booth);</li>
 *   <li>{@code signalingRewriteOffer}: {@code target_id} dropped, {@code sender_id} added (signaling,
 *       the same steps as {@code SignalingEndpoint.relay}).</li>
 * </ul>
 * Expected allocation: not zero. Parsing builds a map, strings for every key and value and a copy of the
 * data; writing builds the output array and the frame; so roughly 3-4x the message size plus a few
 * hundred bytes per message. This is the price of rewriting through a tree; a byte-level rewrite (find the
 * member, splice) would cost one output frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProtocolJsonRewriteBenchmark {
    @Param({"16", "128", "1024", "8192", "65536"})
    int size;

    byte[] carpartyInput;
    byte[] boothRelay;
    byte[] signalingOffer;

    @Setup
    public void setUp() {
        String pad = "x".repeat(size);
        carpartyInput = ("{\"input\":{\"steer\":0.25,\"throttle\":1},\"seq\":12345,\"p\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
        boothRelay = ("{\"type\":\"relay_message\",\"data\":{\"code\":\"ABC-123\",\"p\":\"" + pad + "\"}}").getBytes(StandardCharsets.UTF_8);
        signalingOffer = ("{\"type\":\"offer\",\"target_id\":\"peer-b\",\"sdp\":{\"type\":\"offer\",\"sdp\":\"" + pad + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    @Benchmark
    public byte[] carpartyInjectClientId() {
        Map<String, Object> message = (Map<String, Object>) Json.parse(carpartyInput, 0, carpartyInput.length);
        message.put("client_id", "player-17");
        return FrameWriter.encode(Opcode.TEXT, Json.write(message));
    }

    @SuppressWarnings("unchecked")
    @Benchmark
    public byte[] boothWrapScannerMessage() {
        Map<String, Object> message = (Map<String, Object>) Json.parse(boothRelay, 0, boothRelay.length);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "message_from_scanner");
        out.put("data", message.get("data"));
        out.put("original_type", "relay_message");
        out.put("timestamp", LocalDateTime.now().toString());
        return FrameWriter.encode(Opcode.TEXT, Json.write(out));
    }

    @SuppressWarnings("unchecked")
    @Benchmark
    public byte[] signalingRewriteOffer() {
        Map<String, Object> message = (Map<String, Object>) Json.parse(signalingOffer, 0, signalingOffer.length);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", message.get("type"));
        out.put("sender_id", "peer-a");
        out.put("sdp", message.get("sdp"));
        return FrameWriter.encode(Opcode.TEXT, Json.write(out));
    }
}
