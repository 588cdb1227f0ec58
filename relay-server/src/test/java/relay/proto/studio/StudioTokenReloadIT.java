package relay.proto.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** An edited token file applies to the next authentications without a restart; authenticated devices stay. */
@Timeout(30)
class StudioTokenReloadIT {
    @Test
    void anEditedTokenFileAppliesWithoutARestart(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"), "ARO-001 old-secret\n");
        try (TestServer server = TestServer.start(c -> c.withStudio(file, c.studioIdleWindowMs()));
                TestClient before = TestClient.connect(server.uri("/studio?id=ARO-001_dealerPC&token=old-secret"))) {
            assertEquals("ARO-001", before.nextJson().get("TABLE_ID"));

            Files.writeString(file, "ARO-001 new-secret\n");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
            TestClient.await("the new token to be admitted", () -> admits(server, "new-secret"));
            try (TestClient old = TestClient.connect(server.uri("/studio?id=ARO-001_shakerPC&token=old-secret"))) {
                assertEquals(new TestClient.Closed(1008, "Invalid token"), old.awaitClose());
            }
            before.sendJson("sdp", "up");
            assertEquals("updated", before.nextJson().get("status"), "an authenticated device stays");
        }
    }

    private static boolean admits(TestServer server, String token) {
        try (TestClient client = TestClient.connect(server.uri("/studio?id=ARO-001_probe&token=" + token))) {
            // a status or a close, whichever comes first
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!client.isClosed() && System.nanoTime() < deadline) {
                for (Object message : client.drain()) {
                    if (message instanceof String text && text.contains("TABLE_ID")) {
                        return true;
                    }
                }
                Thread.sleep(5);
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
