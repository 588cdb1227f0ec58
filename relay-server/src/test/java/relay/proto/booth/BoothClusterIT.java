package relay.proto.booth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.testing.TestClient.await;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.cluster.Cluster;
import relay.testing.RedisServer;
import relay.testing.Scrape;
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
            for (int node = 0; node < 2; node++) {
                assertEquals(0, Scrape.of(cluster.node(node).http("/metrics")).value("relay_parked_reads_routed_total"),
                        "in a cluster every message is routed by its reader thread (routing may wait for Redis)");
            }

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

    @Test
    void scannersToldTheirBoothIsGoneByARedisOutageAttachToItAgainWhenTheNodesHearEachOther() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient booth = booth(cluster.node(0), "B7");
             TestClient scanner = scanner(cluster.node(1))) {
            attach(scanner, booth, "B7", "B7");
            Cluster a = cluster.node(0).server().cluster();
            Cluster b = cluster.node(1).server().cluster();
            try {
                REDIS.kill();
                expect(scanner, "booth_disconnected", "B7"); // after the node timeout, as if node 0 had died
                expect(booth, "scanner_disconnected", "B7");
                scanner.sendJson("type", "relay_message", "data", "anyone?");
                assertEquals("Booth is no longer available", scanner.nextJson().get("message"));
            } finally {
                REDIS.restart();
            }
            cluster.awaitMesh();
            expect(booth, "scanner_connected", "B7"); // as when a booth registers again, the scanner is not told
            scanner.sendJson("type", "relay_message", "data", "back");
            assertEquals("back", booth.nextJson().get("data"));
            booth.sendJson("type", "relay_message", "data", "hello again");
            assertEquals("hello again", scanner.nextJson().get("data"));
            assertTrue(a.bus().isAlive(b.self()));
        }
    }

    @Test
    void aBoothReplacedByANewerOneOnAnotherNodeHandsItsScannersOverWithoutTellingThem() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient older = booth(cluster.node(0), "B6");
             TestClient scanner = scanner(cluster.node(0))) {
            attach(scanner, older, "B6", "B6");
            try (TestClient newer = booth(cluster.node(1), "B6")) {
                assertEquals(new TestClient.Closed(4000, BoothEndpoint.REPLACED_REASON), older.awaitClose());
                expect(newer, "scanner_connected", "B6"); // as on one node (protocols.md)
                scanner.sendJson("type", "relay_message", "data", "to the newer");
                assertEquals("to the newer", newer.nextJson().get("data"));
                newer.sendJson("type", "relay_message", "data", "from the newer");
                assertEquals("from the newer", scanner.nextJson().get("data"));
                assertTrue(scanner.drain().isEmpty(), "the scanner was not told of the swap");
            }
        }
    }

    @Test
    void aBoothRegisteredWhileRedisWasDownReplacesTheOlderOneOnAnotherNodeWhenRedisReturnsAndItsScannersFollow()
            throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient older = booth(cluster.node(0), "B5");
             TestClient scanner = scanner(cluster.node(0))) {
            attach(scanner, older, "B5", "B5");
            Cluster a = cluster.node(0).server().cluster();
            Cluster b = cluster.node(1).server().cluster();
            String key = BoothCluster.key(BoothId.of("B5", null));
            await("node 1 knows who owns B5", () -> a.self().equals(b.ownership().owner(BoothCluster.KIND, key)));
            TestClient newer;
            try {
                REDIS.kill();
                await("the nodes have given each other up", () -> !a.bus().isAlive(b.self()) && !b.bus().isAlive(a.self()));
                newer = booth(cluster.node(1), "B5"); // granted locally: node 1 cannot know of node 0's booth
                older.send("{\"type\":\"relay_message\",\"data\":\"meanwhile\"}");
                assertEquals("meanwhile", scanner.nextJson().get("data"), "each node keeps serving its own booth");
            } finally {
                REDIS.restart(); // empty, as after a crash: both nodes re-assert B5
            }
            try (newer) {
                cluster.awaitMesh();
                // newest wins, as when both registrations reach Redis: the older booth is closed, whichever node
                // re-asserted first, and its scanner stays attached, now to the newer booth (protocols.md)
                assertEquals(new TestClient.Closed(4000, BoothEndpoint.REPLACED_REASON), older.awaitClose());
                expect(newer, "scanner_connected", "B5");
                await("both nodes agree that node 1 owns B5", () -> b.ownership().owns(BoothCluster.KIND, key)
                        && b.self().equals(a.ownership().owner(BoothCluster.KIND, key)));
                scanner.sendJson("type", "relay_message", "data", "after");
                Map<String, Object> atNewer = newer.nextJson();
                assertEquals("message_from_scanner", atNewer.get("type"), String.valueOf(atNewer));
                assertEquals("after", atNewer.get("data"));
                newer.sendJson("type", "relay_message", "data", "back");
                assertEquals("back", scanner.nextJson().get("data"));
                assertTrue(scanner.drain().isEmpty(), "the scanner was not told of the swap (as on one node)");
                assertFalse(newer.isClosed());
            }
        }
    }
}
