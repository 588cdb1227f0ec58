package relay.proto.broadcast;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import relay.testing.Scenario;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** Replays every scenario under {@code scenarios/broadcast/} (protocols.md "broadcast", one file per case). */
@Timeout(60)
class BroadcastScenariosIT {
    static Stream<Path> scenarios() throws Exception {
        return Scenario.files("scenarios/broadcast");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void replays(Path scenario) throws Exception {
        Scenario.run(scenario, BroadcastScenariosIT::leavesNothingBehind);
    }

    /** Once every member of a scenario has gone, no group is left. */
    static void leavesNothingBehind(TestServer server) {
        BroadcastEndpoint broadcast = (BroadcastEndpoint) server.server().protocol("broadcast");
        try {
            TestClient.await("no broadcast groups left", () -> broadcast.groups() == 0 && broadcast.members() == 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
