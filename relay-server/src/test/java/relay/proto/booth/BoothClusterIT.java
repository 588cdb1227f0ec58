package relay.proto.booth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.testing.RedisServer;
import relay.testing.TestClient;
import relay.testing.TestCluster;
import relay.testing.TestServer;

/** protocols.md "booth" with booths and scanners on different nodes (docs/cluster.md). */
@Timeout(40)
class BoothClusterIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static TestClient booth(TestServer node, Object id) throws Exception {
        TestClient booth = TestClient.connect(node.uri("/booth")).sendJson("type", "register_booth", "booth_id", id);
        assertEquals("registration_success", booth.nextJson().get("type"));
        return booth;
    }

    private static TestClient scanner(TestServer node) throws Exception {
        return TestClient.connect(node.uri("/booth"));
    }

    /** connect_scanner: the booth gets scanner_connected, then the scanner connection_success ({@code echoed}: the id read back). */
    private static void attach(TestClient scanner, TestClient booth, Object id, Object echoed) throws Exception {
        scanner.sendJson("type", "connect_scanner", "booth_id", id);
        expect(booth, "scanner_connected", echoed);
        expect(scanner, "connection_success", echoed);
    }

    private static void expect(TestClient client, String type, Object boothId) throws InterruptedException {
        Map<String, Object> m = client.nextJson();
        assertEquals(type, m.get("type"), String.valueOf(m));
        assertEquals(boothId, m.get("booth_id"), String.valueOf(m));
    }

    @Test
    void aScannerOnAnotherNodeAttachesAndRelaysBothWays() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient booth = booth(cluster.node(0), "B1");
             TestClient scanner = scanner(cluster.node(1))) {
            attach(scanner, booth, "B1", "B1");

            scanner.sendJson("type", "relay_message", "data", Map.of("code", 42));
            Map<String, Object> atBooth = booth.nextJson();
            assertEquals("message_from_scanner", atBooth.get("type"));
            assertEquals(Map.of("code", 42L), atBooth.get("data"));

            booth.sendJson("type", "relay_message", "data", "hello");
            Map<String, Object> atScanner = scanner.nextJson();
            assertEquals("message_from_booth", atScanner.get("type"));
            assertEquals("hello", atScanner.get("data"));
            assertEquals("B1", atScanner.get("booth_id"));

            try (TestClient nobody = scanner(cluster.node(1))) {
                nobody.sendJson("type", "connect_scanner", "booth_id", "NOPE");
                assertEquals("Booth NOPE is not available", nobody.nextJson().get("message"));
            }
            scanner.close();
            expect(booth, "scanner_disconnected", "B1");
        }
    }

    @Test
    void theBoothsMessageGoesToTheEarliestAttachedScannerWhicheverNodeItIsOn() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient booth = booth(cluster.node(0), 7);
             TestClient early = scanner(cluster.node(1));
             TestClient late = scanner(cluster.node(0))) {
            attach(early, booth, 7, 7L);
            attach(late, booth, 7, 7L);

            booth.sendJson("type", "relay_message", "data", 1);
            assertEquals(1L, early.nextJson().get("data"));
            late.expectNothing(100);
            early.close();
            expect(booth, "scanner_disconnected", 7L);
            booth.sendJson("type", "relay_message", "data", 2);
            assertEquals(2L, late.nextJson().get("data"));
        }
    }

    @Test
    void scannersWaitForTheirBoothAndFollowItToWhicheverNodeRegistersItAgain() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 3);
             TestClient scanner = scanner(cluster.node(1))) {
            TestClient first = booth(cluster.node(0), "B2");
            attach(scanner, first, "B2", "B2");

            first.close();
            expect(scanner, "booth_disconnected", "B2");
            scanner.sendJson("type", "relay_message", "data", "anyone?");
            assertEquals("Booth is no longer available", scanner.nextJson().get("message"));

            try (TestClient second = booth(cluster.node(2), "B2")) {
                expect(second, "scanner_connected", "B2");
                scanner.sendJson("type", "relay_message", "data", "back");
                assertEquals("back", second.nextJson().get("data"));

                // newest wins across nodes: a booth on the scanner's own node replaces the one on node 2
                try (TestClient third = booth(cluster.node(1), "B2")) {
                    second.expectClose(4000);
                    expect(third, "scanner_connected", "B2"); // as on one node, the scanner is not told of the swap
                    scanner.sendJson("type", "relay_message", "data", "local now");
                    assertEquals("local now", third.nextJson().get("data"));
                }
            }
        }
    }

    @Test
    void aScannersNodeDyingDisconnectsItFromTheBooth() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient booth = booth(cluster.node(0), "B3")) {
            TestClient scanner = scanner(cluster.node(1));
            scanner.sendJson("type", "connect_scanner", "booth_id", "B3");
            expect(booth, "scanner_connected", "B3");
            cluster.node(1).server().cluster().crash();
            expect(booth, "scanner_disconnected", "B3");
            scanner.abort();
        }
    }

    @Test
    void theBoothsNodeDyingTellsItsScannersElsewhereAndTheyFollowTheNextBoothOfTheId() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 3);
             TestClient booth = booth(cluster.node(0), "B4");
             TestClient scanner = scanner(cluster.node(1))) {
            attach(scanner, booth, "B4", "B4");

            cluster.node(0).server().cluster().crash(); // the booth's node stops talking to Redis, as if it had died
            expect(scanner, "booth_disconnected", "B4"); // after the node timeout
            scanner.sendJson("type", "relay_message", "data", "anyone?");
            assertEquals("Booth is no longer available", scanner.nextJson().get("message"));

            try (TestClient next = booth(cluster.node(2), "B4")) { // the dead node's lease need not expire first
                expect(next, "scanner_connected", "B4");
                scanner.sendJson("type", "relay_message", "data", "back");
                assertEquals("back", next.nextJson().get("data"));
                next.sendJson("type", "relay_message", "data", "hello again");
                assertEquals("hello again", scanner.nextJson().get("data"));
            }
        }
    }
}
