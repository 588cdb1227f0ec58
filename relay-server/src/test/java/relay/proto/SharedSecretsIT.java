package relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.RelayConfig;
import relay.config.SharedSecret;
import relay.proto.carparty.CarpartyEndpoint;
import relay.proto.signaling.SignalingEndpoint;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * issue 7 "Identity": the optional shared secrets. Off (the default) the original clients, which know no
 * secret, work unchanged; on, a CarParty game server's {@code login_server} and a signaling {@code register}
 * must carry it in {@code secret}, or the game server is closed with 1008 {@code Invalid secret} and the
 * signaling client gets {@code {"type":"error","message":"Invalid secret"}} and stays unregistered.
 */
@Timeout(30)
class SharedSecretsIT {
    private static UnaryOperator<RelayConfig> secrets(String carparty, String signaling) {
        return c -> c.withAdmission(c.admission().withSecrets(SharedSecret.of(carparty), SharedSecret.of(signaling)));
    }

    /** Logs a game server in with these extra login fields; returns once its code is taken, or its close. */
    private static TestClient.Closed gameServer(TestServer server, TestClient game, String code, Object... extra) throws Exception {
        Object[] login = new Object[4 + extra.length];
        login[0] = "action";
        login[1] = "login_server";
        login[2] = "server_code";
        login[3] = code;
        System.arraycopy(extra, 0, login, 4, extra.length);
        CarpartyEndpoint carparty = (CarpartyEndpoint) server.server().protocol("carparty");
        int before = carparty.rooms();
        game.sendJson(login);
        TestClient.await("logged in or refused", () -> carparty.rooms() > before || game.isClosed());
        return game.isClosed() ? game.awaitClose() : null;
    }

    @Test
    void carpartyWithoutASecretConfiguredAdmitsTheOriginalGameServerAndClients() throws Exception {
        try (TestServer server = TestServer.start();
             TestClient game = TestClient.connect(server.uri("/carparty"));
             TestClient phone = TestClient.connect(server.uri("/carparty"))) {
            assertEquals(null, gameServer(server, game, "OPEN"));
            phone.sendJson("action", "login_client", "server_code", "OPEN", "client_id", "p1");
            assertEquals(Map.of("action", "connect", "client_id", "p1"), game.nextJson());
        }
    }

    @Test
    void carpartyWithASecretClosesGameServersWithoutItOrWithAWrongOneWith1008() throws Exception {
        try (TestServer server = TestServer.start(secrets("race-s3cret", null));
             TestClient missing = TestClient.connect(server.uri("/carparty"));
             TestClient wrong = TestClient.connect(server.uri("/carparty"));
             TestClient notAString = TestClient.connect(server.uri("/carparty"))) {
            TestClient.Closed closed = gameServer(server, missing, "RACE");
            assertEquals(1008, closed.code());
            assertEquals("Invalid secret", closed.reason());
            closed = gameServer(server, wrong, "RACE", "secret", "race-s3creT");
            assertEquals(new TestClient.Closed(1008, "Invalid secret"), closed);
            closed = gameServer(server, notAString, "RACE", "secret", 42);
            assertEquals(new TestClient.Closed(1008, "Invalid secret"), closed);
            assertEquals(0, ((CarpartyEndpoint) server.server().protocol("carparty")).rooms(), "RACE never taken");
        }
    }

    @Test
    void carpartyWithASecretAdmitsAGameServerThatCarriesItAndItsClientsNeedNone() throws Exception {
        try (TestServer server = TestServer.start(secrets("race-s3cret", null));
             TestClient game = TestClient.connect(server.uri("/carparty"));
             TestClient phone = TestClient.connect(server.uri("/carparty"))) {
            assertEquals(null, gameServer(server, game, "RACE", "secret", "race-s3cret"));
            phone.sendJson("action", "login_client", "server_code", "RACE", "client_id", "p1");
            assertEquals(Map.of("action", "connect", "client_id", "p1"), game.nextJson());
            game.send("{\"lap\":1}");
            assertEquals("{\"lap\":1}", phone.nextText());
        }
    }

    @Test
    void signalingWithoutASecretConfiguredRegistersTheOriginalClients() throws Exception {
        try (TestServer server = TestServer.start();
             TestClient pc = TestClient.connect(server.uri("/signaling"))) {
            pc.sendJson("type", "register", "client_id", "pc", "room_id", "r");
            assertEquals("registered", pc.nextJson().get("type"));
        }
    }

    @Test
    void signalingWithASecretRefusesARegisterWithoutItOrWithAWrongOneAndLeavesItUnregistered() throws Exception {
        try (TestServer server = TestServer.start(secrets(null, "room-s3cret"));
             TestClient missing = TestClient.connect(server.uri("/signaling"));
             TestClient wrong = TestClient.connect(server.uri("/signaling"))) {
            missing.sendJson("type", "register", "client_id", "pc", "room_id", "r");
            assertEquals(Map.of("type", "error", "message", "Invalid secret"), missing.nextJson());
            wrong.sendJson("type", "register", "client_id", "phone", "room_id", "r", "secret", "room-s3cre");
            assertEquals(Map.of("type", "error", "message", "Invalid secret"), wrong.nextJson());
            missing.sendJson("type", "offer", "target_id", "phone", "sdp", "v=0");
            assertEquals(Map.of("type", "error", "message", "Not registered"), missing.nextJson());
            assertEquals(0, ((SignalingEndpoint) server.server().protocol("signaling")).roomCount());
            assertFalse(missing.isClosed(), "the connection stays open, as for every signaling error");
        }
    }

    @Test
    void signalingWithASecretRegistersClientsThatCarryIt() throws Exception {
        try (TestServer server = TestServer.start(secrets(null, "room-s3cret"));
             TestClient pc = TestClient.connect(server.uri("/signaling"));
             TestClient phone = TestClient.connect(server.uri("/signaling"))) {
            pc.sendJson("type", "register", "client_id", "pc", "room_id", "r", "secret", "room-s3cret");
            assertEquals("registered", pc.nextJson().get("type"));
            phone.sendJson("type", "register", "client_id", "phone", "room_id", "r", "client_type", "android",
                    "secret", "room-s3cret");
            Map<String, Object> registered = phone.nextJson();
            assertEquals(java.util.List.of("pc"), registered.get("peers"));
            assertFalse(registered.containsKey("secret"), "the secret is never echoed");
            assertEquals(Map.of("type", "peer_joined", "client_id", "phone", "client_type", "android"), pc.nextJson());
        }
    }
}
