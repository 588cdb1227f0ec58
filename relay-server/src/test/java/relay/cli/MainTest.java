package relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import relay.config.ListenerSpec;
import relay.config.RelayConfig;

@Timeout(10)
class MainTest {
    private static RelayConfig parse(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.toConfig();
    }

    @Test
    void defaultIsOneAutoListenerOn8765() {
        assertEquals(List.of(new ListenerSpec("0.0.0.0", 8765, "auto")), parse().listeners());
    }

    @Test
    void listenIsRepeatableWithOptionalHostAndMode() {
        assertEquals(List.of(new ListenerSpec("0.0.0.0", 8080, "auto"), new ListenerSpec("127.0.0.1", 9000, "studio"),
                        new ListenerSpec("::1", 9001, "signaling")),
                parse("--listen", "8080", "--listen", "127.0.0.1:9000=studio", "--listen", "[::1]:9001=SIGNALING").listeners());
    }

    @Test
    void seedPortsAddTheSeedsPortsAsAutoListenersWithoutDuplicates() {
        assertEquals(List.of(new ListenerSpec("0.0.0.0", 8765, "auto"), new ListenerSpec("0.0.0.0", 8080, "auto"),
                new ListenerSpec("0.0.0.0", 8000, "auto")), parse("--seed-ports").listeners());
        assertEquals(List.of(new ListenerSpec("0.0.0.0", 8080, "studio"), new ListenerSpec("0.0.0.0", 8765, "auto"),
                new ListenerSpec("0.0.0.0", 8000, "auto")), parse("--listen", "8080=studio", "--seed-ports").listeners());
    }

    @Test
    void refusesBadListeners() {
        assertThrows(IllegalArgumentException.class, () -> parse("--listen", "8080", "--listen", "8080=studio"));
        assertThrows(IllegalArgumentException.class, () -> parse("--listen", "8080=chat"));
        assertThrows(IllegalArgumentException.class, () -> parse("--listen", "port"));
        assertThrows(IllegalArgumentException.class, () -> parse("--listen", "70000"));
    }

    @Test
    void idleParkingIsOnAfterFiveSecondsAndCanBeTurnedOff() {
        assertEquals(5_000, parse().limits().idleParkMs());
        assertEquals(0, parse("--idle-park-ms", "0").limits().idleParkMs());
        assertEquals(250, parse("--idle-park-ms", "250").limits().idleParkMs());
        assertThrows(IllegalArgumentException.class, () -> parse("--idle-park-ms", "-1"));
    }

    @Test
    void theParkerRoutesUpTo50MessagesASecondPerConnectionByDefault() {
        assertEquals(50, parse().limits().parkedMessagesPerSecond());
        assertEquals(0, parse("--parked-messages-per-second", "0").limits().parkedMessagesPerSecond());
        assertEquals(200, parse("--parked-messages-per-second", "200").limits().parkedMessagesPerSecond());
        assertThrows(IllegalArgumentException.class, () -> parse("--parked-messages-per-second", "-1"));
    }

    @Test
    void studioOptions() {
        RelayConfig config = parse("--studio-tokens", "/etc/relay/tokens", "--studio-idle-ms", "400");
        assertEquals(java.nio.file.Path.of("/etc/relay/tokens"), config.studioTokens());
        assertEquals(400, config.studioIdleWindowMs());
    }

    @Test
    void sharedSecretsAreOffByDefaultAndNeverShownInTheConfiguration() {
        assertEquals(null, parse().admission().carpartySecret());
        assertEquals(null, parse().admission().signalingSecret());
        RelayConfig config = parse("--carparty-secret", "cp-s3cret", "--signaling-secret", "sig-s3cret");
        org.junit.jupiter.api.Assertions.assertTrue(config.admission().carpartySecret().matches("cp-s3cret"));
        org.junit.jupiter.api.Assertions.assertFalse(config.admission().carpartySecret().matches("sig-s3cret"));
        org.junit.jupiter.api.Assertions.assertTrue(config.admission().signalingSecret().matches("sig-s3cret"));
        org.junit.jupiter.api.Assertions.assertFalse(config.toString().contains("s3cret"), config.toString());
        assertThrows(IllegalArgumentException.class, () -> parse("--carparty-secret", ""));
    }

    @Test
    void secretsCanComeFromAnArgumentFileKeptOutOfTheProcessList(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path args = dir.resolve("secrets.args");
        java.nio.file.Files.writeString(args, "--signaling-secret\nsig-s3cret\n");
        RelayConfig config = parse("--seed-ports", "@" + args);
        org.junit.jupiter.api.Assertions.assertTrue(config.admission().signalingSecret().matches("sig-s3cret"));
    }

    @Test
    void clusterIsOffUnlessGivenARedisUri() {
        assertEquals(null, parse().cluster());
        relay.config.ClusterConfig cluster = parse("--cluster", "redis://10.0.0.5:6380").cluster();
        assertEquals(java.net.URI.create("redis://10.0.0.5:6380"), cluster.redis());
        assertEquals(relay.config.ClusterConfig.DEFAULT_LEASE_MS, cluster.leaseMs());
        assertThrows(IllegalArgumentException.class, () -> parse("--cluster", "http://10.0.0.5:6380"));
        assertThrows(IllegalArgumentException.class, () -> parse("--cluster", "10.0.0.5:6380"));
    }
}
