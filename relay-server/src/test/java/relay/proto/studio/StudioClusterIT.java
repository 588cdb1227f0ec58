package relay.proto.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static relay.testing.TestClient.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.json.Json;
import relay.testing.RedisServer;
import relay.testing.TestClient;
import relay.testing.TestCluster;
import relay.testing.TestServer;

/** docs/cluster.md: a studio table's status is one status whichever node its devices connect to. */
@Timeout(40)
class StudioClusterIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void devicesOfOneTableOnDifferentNodesShareItsStatusAndEveryUpdateCounts() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient onA = TestClient.connect(cluster.node(0).uri("/studio?id=ARO-7_cam&token=t"));
             TestClient onB = TestClient.connect(cluster.node(1).uri("/studio?id=ARO-7_shaker&token=t"))) {
            Map<String, Object> first = onA.nextJson();
            assertEquals("ARO-7", first.get("TABLE_ID"));
            assertEquals(0L, first.get("UPTIME"));
            assertEquals(0L, onB.nextJson().get("UPTIME"));

            onA.sendJson("sdp", "up", "maintenance", true);
            assertEquals(Map.of("status", "updated", "table_id", "ARO-7"), onA.nextJson());
            onB.sendJson("shaker", "up");
            assertEquals(Map.of("status", "updated", "table_id", "ARO-7"), onB.nextJson());

            try (TestClient late = TestClient.connect(cluster.node(1).uri("/studio?id=ARO-7_late&token=t"))) {
                Map<String, Object> status = late.nextJson();
                assertEquals(2L, status.get("UPTIME"), "both nodes' updates counted once each");
                assertEquals("up", status.get("SDP"));
                assertEquals(true, status.get("MAINTENANCE"));
                assertEquals("up", status.get("SHAKER"));
                assertEquals("down", status.get("ZCam"));
                assertEquals(java.util.List.of("TABLE_ID", "UPTIME", "TIMESTAMP", "MAINTENANCE", "SDP", "IDP", "BROKER",
                        "ZCam", "ROULETTE", "SHAKER", "BARCODE_SCANNER", "NFC_SCANNER"), java.util.List.copyOf(status.keySet()));
            }
            await("node A's API shows B's update", () -> 2L == uptime(cluster.node(0), "ARO-7"));
        }
    }

    @Test
    void aTableUsedOnlyOnOneNodeIsListedByEveryNode() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient onB = TestClient.connect(cluster.node(1).uri("/studio?id=ONLY-B&token=t"))) {
            onB.nextJson();
            onB.sendJson("idp", "calibration");
            onB.nextJson();
            await("node A lists it", () -> 1L == uptime(cluster.node(0), "ONLY-B"));
            // a node that joins later loads every table at start
            TestServer c = cluster.add();
            await("a new node lists it too", () -> 1L == uptime(c, "ONLY-B"));
        }
    }

    /**
     * docs/cluster.md failure table, studio row: while Redis is down an update applies to its node's copy only
     * (the device is answered as usual); when Redis returns empty, the next update seeds it from that copy, so
     * every node shows the updates made meanwhile and UPTIME counts them all.
     */
    @Test
    void whileRedisIsDownUpdatesApplyToTheNodesCopyAndTheNextUpdateAfterwardsSeedsRedisWithIt() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient device = TestClient.connect(cluster.node(0).uri("/studio?id=DOWN-1_cam&token=t"))) {
            device.nextJson();
            update(device, "sdp", "up");
            await("node B has the first update", () -> 1L == uptime(cluster.node(1), "DOWN-1"));
            try {
                REDIS.kill();
                await("node A's link down", () -> !cluster.node(0).server().cluster().bus().isUp());
                update(device, "shaker", "up");
                Map<String, Object> onA = status(cluster.node(0), "DOWN-1");
                assertEquals(2L, onA.get("UPTIME"), "applied to node A's copy");
                assertEquals("up", onA.get("SHAKER"));
                assertEquals(1L, uptime(cluster.node(1), "DOWN-1"), "node B cannot hear of it");

                REDIS.restart(); // empty: Redis lost the table
                cluster.awaitMesh();
                update(device, "idp", "calibration");
                await("node B has every update", () -> 3L == uptime(cluster.node(1), "DOWN-1"));
                Map<String, Object> onB = status(cluster.node(1), "DOWN-1");
                assertEquals("up", onB.get("SDP"));
                assertEquals("up", onB.get("SHAKER"), "the update made while Redis was down was kept");
                assertEquals("calibration", onB.get("IDP"));
                try (TestClient late = TestClient.connect(cluster.node(1).uri("/studio?id=DOWN-1_late&token=t"))) {
                    assertEquals(onB, late.nextJson(), "a new device on node B gets the same status, from Redis");
                }
            } finally {
                REDIS.restart();
            }
        }
    }

    private static void update(TestClient device, String key, Object value) throws Exception {
        device.sendJson(key, value);
        assertEquals("updated", device.nextJson().get("status"));
    }

    private static long uptime(TestServer node, String table) {
        return status(node, table).get("UPTIME") instanceof Long n ? n : -1;
    }

    /** The table's status from the node's HTTP API (empty if it has none). */
    private static Map<String, Object> status(TestServer node, String table) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(node.http("/api/studio/tables/" + table)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && Json.parse(response.body()) instanceof Map<?, ?> m) {
                Map<String, Object> status = new java.util.LinkedHashMap<>();
                m.forEach((k, v) -> status.put(String.valueOf(k), v));
                return status;
            }
        } catch (Exception e) {
            // not reachable or not JSON: no status
        }
        return Map.of();
    }
}
