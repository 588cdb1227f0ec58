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
@Timeout(30)
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

    private static long uptime(TestServer node, String table) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(node.http("/api/studio/tables/" + table)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            Object status = Json.parse(response.body().getBytes(), 0, response.body().length());
            return status instanceof Map<?, ?> m && m.get("UPTIME") instanceof Long n ? n : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
