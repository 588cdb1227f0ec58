package relay.proto.carparty;

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
import relay.json.JsonObjectCursor;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * CarParty's own per-message work, calling {@link CarpartyEndpoint}'s code (this class shares its
 * package): a game server's broadcast (look for a top-level {@code receiver_id}, encode the frame once for
 * every client) and a client's input (check it is a JSON object, splice {@code client_id} in on the bytes).
 * {@link CarpartyTargetedBenchmark} routes a targeted frame through a room of clients.
 *
 * <p>Expected allocation: the one frame per message ({@code 16 + align8(header + payload)} bytes), nothing
 * else; the recipients share the broadcast frame, so a delivery allocates 0 B.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CarpartyRelayBenchmark {
    @Param({"16", "128", "1024"})
    int size;

    final JsonObjectCursor cursor = new JsonObjectCursor();
    final ReceiverIdReader receiver = new ReceiverIdReader(cursor);
    final String clientId = "player-17";
    final byte[] clientIdJson = "\"player-17\"".getBytes(StandardCharsets.US_ASCII);
    byte[] broadcast;
    byte[] targeted;
    byte[] input;

    @Setup
    public void setUp() {
        broadcast = ("{\"type\":\"state\",\"tick\":1234,\"cars\":\"" + "x".repeat(size) + "\"}").getBytes(StandardCharsets.UTF_8);
        targeted = ("{\"receiver_id\":\"player-17\",\"type\":\"state\",\"tick\":1234,\"cars\":\"" + "x".repeat(size) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        input = ("{\"input\":{\"steer\":0.25,\"throttle\":1},\"seq\":12345,\"p\":\"" + "x".repeat(size) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] serverBroadcast() {
        if (receiver.read(broadcast, 0, broadcast.length)) {
            throw new IllegalStateException("not a broadcast");
        }
        return FrameWriter.encode(Opcode.TEXT, broadcast, 0, broadcast.length);
    }

    /** A frame with a {@code receiver_id}: find it and match it against a client's id, encode the frame once. */
    @Benchmark
    public byte[] serverTargeted() {
        if (!receiver.read(targeted, 0, targeted.length) || !receiver.names(clientId, clientIdJson)) {
            throw new IllegalStateException("not for " + clientId);
        }
        return FrameWriter.encode(Opcode.TEXT, targeted, 0, targeted.length);
    }

    /** A client's input: checked and measured in one walk, {@code client_id} spliced in on the bytes. */
    @Benchmark
    public byte[] clientInput() {
        byte[] frame = CarpartyEndpoint.withClientId(cursor, input, 0, input.length, clientIdJson);
        if (frame == null) {
            throw new IllegalStateException("not an object");
        }
        return frame;
    }
}
