package relay.proto.booth;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import relay.testing.Scenario;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** Replays every scenario under {@code scenarios/booth/} (protocols.md "booth", one file per case). */
@Timeout(60)
class BoothScenariosIT {
    static Stream<Path> scenarios() throws Exception {
        return Scenario.files("scenarios/booth");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void replays(Path scenario) throws Exception {
        Scenario.run(scenario, BoothScenariosIT::leavesNothingBehind);
    }

    /** Once every peer of a scenario has gone, no booth_id, booth or scanner is left in the registry. */
    static void leavesNothingBehind(TestServer server) {
        BoothEndpoint booth = (BoothEndpoint) server.server().protocol("booth");
        try {
            TestClient.await("empty booth registry", () -> booth.registrySize() == 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
