package relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.proto.booth.BoothEndpoint;
import relay.proto.broadcast.BroadcastEndpoint;
import relay.proto.carparty.CarpartyEndpoint;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * The registries under concurrent joins, sends and leaves: every expected message arrives exactly once and
 * in per-sender order, no notice is lost when a join races a leave, and afterwards every registry is empty.
 */
@Timeout(120)
class RegistriesConcurrencyIT {
    private static final int MESSAGES = 25;

    interface Task<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code task(0..n-1)} at once on virtual threads; returns the results in index order. */
    static <T> List<T> parallel(int n, Task<T> task) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.run(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    @Test
    void boothsAndScannersJoiningRelayingAndLeavingAtOnce() throws Exception {
        int boothCount = 12;
        int perBooth = 4;
        try (TestServer server = TestServer.start(RegistriesConcurrencyIT::patientIdleWindow)) {
            BoothEndpoint registry = (BoothEndpoint) server.server().protocol("booth");
            List<TestClient> booths = parallel(boothCount, i -> {
                TestClient booth = TestClient.connect(server.uri(i % 2 == 0 ? "/booth" : "/"));
                booth.sendJson("type", "register_booth", "booth_id", "b" + i);
                assertEquals("registration_success", booth.nextJson().get("type"));
                return booth;
            });
            List<TestClient> scanners = parallel(boothCount * perBooth, k -> {
                TestClient scanner = TestClient.connect(server.uri(k % 2 == 0 ? "/booth" : "/"));
                scanner.sendJson("type", "connect_scanner", "booth_id", "b" + k / perBooth);
                assertEquals("connection_success", scanner.nextJson().get("type"));
                return scanner;
            });
            parallel(boothCount, i -> expectTypes(booths.get(i), "scanner_connected", perBooth));
            assertEquals(boothCount, registry.booths());
            assertEquals(boothCount * perBooth, registry.scanners());

            // Every scanner relays at once; each booth gets each of its scanners' messages once, in order.
            parallel(scanners.size(), k -> {
                for (int n = 0; n < MESSAGES; n++) {
                    scanners.get(k).send("{\"type\":\"relay_message\",\"data\":{\"s\":" + k + ",\"n\":" + n + "}}");
                }
                return null;
            });
            parallel(boothCount, i -> {
                Map<Long, Long> next = new HashMap<>();
                for (int m = 0; m < perBooth * MESSAGES; m++) {
                    Map<String, Object> message = booths.get(i).nextJson();
                    assertEquals("message_from_scanner", message.get("type"));
                    Map<?, ?> data = (Map<?, ?>) message.get("data");
                    long s = (Long) data.get("s");
                    assertEquals(i, (int) (s / perBooth), "a message from another booth's scanner");
                    assertEquals(next.getOrDefault(s, 0L), data.get("n"), "per-scanner order");
                    next.put(s, (Long) data.get("n") + 1);
                }
                booths.get(i).expectNothing(50);
                return null;
            });

            // Scanners leave at once (half of them abruptly): each booth hears of each exactly once.
            parallel(scanners.size(), k -> {
                if (k % 2 == 0) {
                    scanners.get(k).close();
                } else {
                    scanners.get(k).abort();
                }
                return null;
            });
            parallel(boothCount, i -> expectTypes(booths.get(i), "scanner_disconnected", perBooth));

            // Booths leave while new scanners attach: a scanner that was attached is always told the booth went.
            List<Future<?>> leaving = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (TestClient booth : booths) {
                    leaving.add(pool.submit(() -> {
                        booth.close();
                        return null;
                    }));
                }
                List<String> outcomes = parallel(boothCount * perBooth, k -> {
                    try (TestClient late = TestClient.connect(server.uri("/booth"))) {
                        late.sendJson("type", "connect_scanner", "booth_id", "b" + k / perBooth);
                        Map<String, Object> reply = late.nextJson();
                        if (reply.get("type").equals("error")) {
                            assertEquals("Booth b" + k / perBooth + " is not available", reply.get("message"));
                            return "refused";
                        }
                        assertEquals("connection_success", reply.get("type"));
                        assertEquals("booth_disconnected", late.nextJson().get("type"), "the booth's leave was lost");
                        return "attached";
                    }
                });
                assertEquals(boothCount * perBooth, outcomes.size());
                for (Future<?> f : leaving) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            TestClient.await("empty booth registry", () -> registry.registrySize() == 0);
            assertEquals(0, registry.booths());
            assertEquals(0, registry.scanners());
        }
    }

    @Test
    void carpartyRoomsJoiningRelayingAndLeavingAtOnce() throws Exception {
        int roomCount = 8;
        int perRoom = 6;
        try (TestServer server = TestServer.start(RegistriesConcurrencyIT::patientIdleWindow)) {
            CarpartyEndpoint registry = (CarpartyEndpoint) server.server().protocol("carparty");
            List<TestClient> servers = parallel(roomCount, r -> {
                TestClient game = TestClient.connect(server.uri(r % 2 == 0 ? "/carparty" : "/"));
                game.sendJson("action", "login_server", "server_code", "ROOM" + r);
                return game;
            });
            TestClient.await("all codes taken", () -> registry.rooms() == roomCount);
            List<TestClient> clients = parallel(roomCount * perRoom, k -> {
                TestClient client = TestClient.connect(server.uri(k % 2 == 0 ? "/carparty" : "/"));
                client.sendJson("action", "login_client", "server_code", "ROOM" + k / perRoom, "client_id", "c" + k);
                return client;
            });
            parallel(roomCount, r -> expectActions(servers.get(r), "connect", perRoom));

            // Clients and servers send at once; then the clients leave.
            parallel(clients.size() + roomCount, k -> {
                if (k < clients.size()) {
                    for (int n = 0; n < MESSAGES; n++) {
                        clients.get(k).send("{\"n\":" + n + "}");
                    }
                } else {
                    for (int n = 0; n < MESSAGES; n++) {
                        servers.get(k - clients.size()).send("{\"b\":" + n + "}");
                    }
                }
                return null;
            });
            parallel(clients.size(), k -> {
                TestClient client = clients.get(k);
                for (int n = 0; n < MESSAGES; n++) {
                    assertEquals("{\"b\":" + n + "}", client.nextText(), "verbatim, in order");
                }
                if (k % 2 == 0) {
                    client.close();
                } else {
                    client.abort();
                }
                return null;
            });
            // Each server: every client's messages once, in order, then its disconnect, and nothing after it.
            parallel(roomCount, r -> {
                Map<String, Long> next = new HashMap<>();
                Map<String, Boolean> gone = new HashMap<>();
                for (int m = 0; m < perRoom * (MESSAGES + 1); m++) {
                    Map<String, Object> message = servers.get(r).nextJson();
                    String id = (String) message.get("client_id");
                    assertEquals(r, Integer.parseInt(id.substring(1)) / perRoom, "a client of another room");
                    assertTrue(!gone.containsKey(id), "a message after the disconnect of " + id);
                    if ("disconnect".equals(message.get("action"))) {
                        assertEquals(MESSAGES, next.getOrDefault(id, 0L), "disconnect before all messages of " + id);
                        gone.put(id, true);
                    } else {
                        assertEquals(next.getOrDefault(id, 0L), message.get("n"), "per-client order");
                        next.put(id, (Long) message.get("n") + 1);
                    }
                }
                assertEquals(perRoom, gone.size());
                servers.get(r).expectNothing(50);
                return null;
            });
            TestClient.await("no clients left", () -> registry.clients() == 0);

            // Servers leave while new clients log in: each new client is refused or told the server went.
            List<Future<?>> leaving = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (TestClient game : servers) {
                    leaving.add(pool.submit(() -> {
                        game.close();
                        return null;
                    }));
                }
                parallel(roomCount * perRoom, k -> {
                    try (TestClient late = TestClient.connect(server.uri("/carparty"))) {
                        late.sendJson("action", "login_client", "server_code", "ROOM" + k / perRoom, "client_id", "late" + k);
                        TestClient.Closed closed = late.awaitClose();
                        assertTrue(closed.code() == 1008 && closed.reason().equals("unknown server_code")
                                || closed.code() == 1001 && closed.reason().equals("game server disconnected"), closed.toString());
                        return null;
                    }
                });
                for (Future<?> f : leaving) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            TestClient.await("empty carparty registry", () -> registry.rooms() == 0 && registry.clients() == 0);
        }
    }

    @Test
    void broadcastGroupsWithEveryMemberSendingAtOnce() throws Exception {
        int groupCount = 4;
        int perGroup = 6;
        try (TestServer server = TestServer.start(RegistriesConcurrencyIT::patientIdleWindow)) {
            BroadcastEndpoint registry = (BroadcastEndpoint) server.server().protocol("broadcast");
            List<TestClient> members = parallel(groupCount * perGroup, k -> {
                int g = k / perGroup;
                String path = g == 0 ? (k % 2 == 0 ? "/ws/relay/" : "/ws/holds/") : "/ws/relay/g" + g + "/";
                return TestClient.connect(server.uri(path));
            });
            TestClient.await("all members joined", () -> registry.members() == groupCount * perGroup);
            assertEquals(groupCount, registry.groups());
            parallel(members.size(), k -> {
                for (int n = 0; n < MESSAGES; n++) {
                    members.get(k).send(k + ":" + n);
                }
                return null;
            });
            parallel(members.size(), k -> {
                Map<Integer, Integer> next = new HashMap<>();
                for (int m = 0; m < perGroup * MESSAGES; m++) {
                    String[] parts = members.get(k).nextText().split(":");
                    int sender = Integer.parseInt(parts[0]);
                    assertEquals(k / perGroup, sender / perGroup, "a message from another group");
                    assertEquals(next.getOrDefault(sender, 0), Integer.parseInt(parts[1]), "per-sender order");
                    next.put(sender, Integer.parseInt(parts[1]) + 1);
                }
                members.get(k).expectNothing(50);
                members.get(k).close();
                return null;
            });
            TestClient.await("no groups left", () -> registry.groups() == 0 && registry.members() == 0);
        }
    }

    /**
     * Half of the peers bind on path {@code /} by their first frame; on a loaded machine a connection's first
     * frame may take longer than the 150 ms studio idle window, so these tests allow it 5 s.
     */
    private static relay.config.RelayConfig patientIdleWindow(relay.config.RelayConfig c) {
        return c.withStudio(c.studioTokens(), 5_000);
    }

    private static Void expectTypes(TestClient client, String type, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            assertEquals(type, client.nextJson().get("type"));
        }
        return null;
    }

    private static Void expectActions(TestClient client, String action, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            assertEquals(action, client.nextJson().get("action"));
        }
        return null;
    }
}
