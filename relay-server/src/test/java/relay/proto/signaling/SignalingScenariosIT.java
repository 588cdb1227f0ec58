package relay.proto.signaling;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import relay.testing.Scenario;

/** Replays every scenario under {@code scenarios/signaling/} (protocols.md "signaling", one file per case). */
@Timeout(60)
class SignalingScenariosIT {
    static Stream<Path> scenarios() throws Exception {
        return Scenario.files("scenarios/signaling");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void replays(Path scenario) throws Exception {
        Scenario.run(scenario);
    }
}
