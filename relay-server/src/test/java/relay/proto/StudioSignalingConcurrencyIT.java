package relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.proto.signaling.SignalingEndpoint;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** The studio status and the signaling registries stay consistent when many clients act at once. */
@Timeout(60)
class StudioSignalingConcurrencyIT {
    @Test
    void concurrentUpdatesOfOneTableAreEachCountedOnce() throws Exception {
        int devices = 8;
        int updates = 50;
        try (TestServer server = TestServer.start(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                int device = d;
                tasks.add(() -> {
                    try (TestClient client = TestClient.connect(server.uri("/studio?id=ARO-001_dev" + device + "&token=t"))) {
                        client.nextJson();
                        for (int i = 0; i < updates; i++) {
                            client.sendJson("roulette", i % 2 == 0 ? "up" : "down", "sdp", "up");
                        }
                        for (int i = 0; i < updates; i++) {
                            assertEquals(Map.of("status", "updated", "table_id", "ARO-001"), client.nextJson());
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
            try (TestClient later = TestClient.connect(server.uri("/studio?id=ARO-001_monitor&token=t"))) {
                Map<String, Object> status = later.nextJson();
                assertEquals((long) devices * updates, status.get("UPTIME"));
                assertEquals("up", status.get("SDP"));
            }
        }
    }

    @Test
    void signalingRegistriesAgreeAfterConcurrentJoinsDuplicatesAndLeaves() throws Exception {
        int rooms = 10;
        int perRoom = 4;
        int duplicates = 8;
        try (TestServer server = TestServer.start(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SignalingEndpoint signaling = (SignalingEndpoint) server.server().protocol("signaling");
            List<TestClient> clients = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                for (int p = 0; p < perRoom; p++) {
                    String id = "c" + r + "_" + p;
                    String room = "room" + r;
                    tasks.add(() -> {
                        TestClient client = TestClient.connect(server.uri("/signaling"));
                        clients.add(client);
                        client.sendJson("type", "register", "client_id", id, "room_id", room);
                        assertEquals("registered", client.nextJson().get("type"));
                        return null;
                    });
                }
            }
            List<TestClient> contenders = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < duplicates; i++) {
                tasks.add(() -> {
                    TestClient client = TestClient.connect(server.uri("/signaling"));
                    contenders.add(client);
                    client.sendJson("type", "register", "client_id", "same", "room_id", "contested");
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
            // of the connections that registered "same", all but the newest are closed with 4000
            TestClient.await("all but one contender replaced", () -> contenders.stream().filter(TestClient::isClosed).count() == duplicates - 1);
            for (TestClient contender : contenders) {
                if (contender.isClosed()) {
                    assertEquals(4000, contender.awaitClose().code());
                }
            }
            TestClient.await("every peer registered once", () -> signaling.peerCount() == rooms * perRoom + 1);
            assertEquals(rooms + 1, signaling.roomCount());

            // each room's view is complete: a newcomer sees every member
            for (int r = 0; r < rooms; r++) {
                try (TestClient probe = TestClient.connect(server.uri("/signaling"))) {
                    probe.sendJson("type", "register", "client_id", "probe" + r, "room_id", "room" + r);
                    @SuppressWarnings("unchecked")
                    List<Object> peers = (List<Object>) probe.nextJson().get("peers");
                    Set<Object> expected = new HashSet<>();
                    for (int p = 0; p < perRoom; p++) {
                        expected.add("c" + r + "_" + p);
                    }
                    assertEquals(expected, new HashSet<>(peers));
                }
            }

            List<Callable<Void>> leaves = new ArrayList<>();
            for (TestClient client : clients) {
                leaves.add(() -> {
                    client.abort();
                    return null;
                });
            }
            for (TestClient client : contenders) {
                leaves.add(() -> {
                    client.close();
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(leaves)) {
                f.get();
            }
            TestClient.await("no peers left", () -> signaling.peerCount() == 0);
            TestClient.await("no rooms left", () -> signaling.roomCount() == 0);
        }
    }
}
