package relay.proto.carparty;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import relay.testing.Scenario;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** Replays every scenario under {@code scenarios/carparty/} (protocols.md "carparty", one file per case). */
@Timeout(60)
class CarpartyScenariosIT {
    static Stream<Path> scenarios() throws Exception {
        return Scenario.files("scenarios/carparty");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void replays(Path scenario) throws Exception {
        Scenario.run(scenario, CarpartyScenariosIT::leavesNothingBehind);
    }

    /** Once every peer of a scenario has gone, no code and no client is left in the registry. */
    static void leavesNothingBehind(TestServer server) {
        CarpartyEndpoint carparty = (CarpartyEndpoint) server.server().protocol("carparty");
        try {
            TestClient.await("empty carparty registry", () -> carparty.rooms() == 0 && carparty.clients() == 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
