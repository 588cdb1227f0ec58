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
import relay.json.Json;
import relay.json.JsonObjectCursor;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * A game server's targeted frame routed through a room of {@code clients}, as
 * {@code CarpartyEndpoint.fromServer} does it: find the top-level {@code receiver_id}, decide for every client
 * whether the frame names it, encode the frame once. The receiver is read once per frame
 * ({@link ReceiverIdReader}); {@code receiver} is {@code plain}
 * ({@code "player-17"}) or {@code escaped} ({@code "\u0070layer-17"}, the same id written with an escape),
 * which needs the text decoded, once per frame whatever the room's size.
 *
 * <p>Expected allocation: the frame ({@code 16 + align8(header + payload)} bytes) for {@code plain}, nothing
 * else (JMH {@code -prof gc}); for {@code escaped} also the one decoded id.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CarpartyTargetedBenchmark {
    @Param({"1", "50"})
    int clients;

    @Param({"plain", "escaped"})
    String receiver;

    final ReceiverIdReader reader = new ReceiverIdReader(new JsonObjectCursor());
    String[] ids;
    byte[][] idsJson;
    byte[] targeted;

    @Setup
    public void setUp() {
        ids = new String[clients];
        idsJson = new byte[clients][];
        for (int i = 0; i < clients; i++) {
            ids[i] = clients == 1 ? "player-17" : "player-" + i;
            idsJson[i] = Json.write(ids[i]);
        }
        String id = receiver.equals("plain") ? "player-17" : "\\u0070layer-17";
        targeted = ("{\"receiver_id\":\"" + id + "\",\"type\":\"state\",\"tick\":1234,\"cars\":\"" + "x".repeat(128) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] routeTargeted() {
        if (!reader.read(targeted, 0, targeted.length)) {
            throw new IllegalStateException("not targeted");
        }
        byte[] frame = FrameWriter.encode(Opcode.TEXT, targeted, 0, targeted.length);
        int named = 0;
        for (int i = 0; i < ids.length; i++) {
            if (reader.names(ids[i], idsJson[i])) {
                named++;
            }
        }
        if (named != 1) {
            throw new IllegalStateException("named " + named);
        }
        return frame;
    }
}
