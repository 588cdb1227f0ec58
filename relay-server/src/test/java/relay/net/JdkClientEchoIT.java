package relay.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * /echo against an independent implementation, the JDK's {@code java.net.http.WebSocket}: text, binary,
 * fragmented and 1 MiB messages, the 1009 limit, ping/pong and the close codes it echoes.
 */
@Timeout(60)
class JdkClientEchoIT {
    static final int MIB = 1 << 20;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + i / 251);
        }
        return b;
    }

    @Test
    void echoesTextIncludingEmptyAndMultiByteCharacters() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            for (String text : new String[] {"hello", "", "κόσμε 𝄞 €", "x".repeat(125), "y".repeat(126), "z".repeat(65_536)}) {
                client.send(text);
                assertEquals(text, client.nextText());
            }
        }
    }

    @Test
    void echoesBinaryAtTheLengthEncodingEdges() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            for (int n : new int[] {0, 1, 125, 126, 65_535, 65_536}) {
                byte[] payload = pattern(n);
                client.sendBinary(payload);
                assertArrayEquals(payload, client.nextBinary(), n + " bytes");
            }
        }
    }

    @Test
    void echoesAFragmentedTextMessageAsOneMessage() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            client.sendFragment("Hello, ", false).sendFragment("frag", false).sendFragment("mented κόσμε", true);
            assertEquals("Hello, fragmented κόσμε", client.nextText());
            client.send("next");
            assertEquals("next", client.nextText());
        }
    }

    @Test
    void echoesAFragmentedBinaryMessageWithAPingBetweenFragments() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            byte[] payload = pattern(200_000);
            client.sendFragment(Arrays.copyOfRange(payload, 0, 70_000), false);
            client.sendPing("mid".getBytes(StandardCharsets.UTF_8));
            client.sendFragment(Arrays.copyOfRange(payload, 70_000, 200_000), true);
            assertEquals("mid", new String(client.nextPong(), StandardCharsets.UTF_8));
            assertArrayEquals(payload, client.nextBinary());
        }
    }

    @Test
    void echoesOneMebibyteTextAndBinary() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            byte[] payload = pattern(MIB);
            client.sendBinary(payload);
            assertArrayEquals(payload, client.nextBinary());
            String text = "€".repeat(MIB / 3) + "a"; // 1 MiB of UTF-8 exactly
            assertEquals(MIB, text.getBytes(StandardCharsets.UTF_8).length);
            client.send(text);
            assertEquals(text, client.nextText());
        }
    }

    @Test
    void closesWith1009WhenAMessageIsOneByteOverTheLimit() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            try {
                client.sendBinary(new byte[MIB + 1]);
            } catch (Exception e) {
                // the server may close before the client has finished sending
            }
            client.expectClose(1009);
        }
    }

    @Test
    void closesWith1009WhenFragmentsAddUpToOneByteOverTheLimit() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            try {
                client.sendFragment(new byte[MIB / 2], false).sendFragment(new byte[MIB / 2 + 1], true);
            } catch (Exception e) {
                // the server may close before the client has finished sending
            }
            client.expectClose(1009);
        }
    }

    @Test
    void answersPingsWithTheSamePayload() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            client.sendPing(new byte[0]);
            assertEquals(0, client.nextPong().length);
            byte[] max = pattern(125);
            client.sendPing(max);
            assertArrayEquals(max, client.nextPong());
            client.socket().sendPong(java.nio.ByteBuffer.wrap(new byte[] {1})).get(); // unsolicited: ignored
            client.send("still here");
            assertEquals("still here", client.nextText());
        }
    }

    @ParameterizedTest(name = "7.4 close code {0} is echoed")
    @ValueSource(ints = {1000, 3000, 4999})
    void echoesTheClientsCloseCodeAndReason(int code) throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            client.send("bye soon");
            assertEquals("bye soon", client.nextText());
            client.sendClose(code, "reason " + code);
            TestClient.Closed closed = client.awaitClose();
            assertEquals(code, closed.code());
            assertEquals("reason " + code, closed.reason());
        }
        TestClient.await("connection released", () -> server.server().connections().size() == 0);
    }

    @Test
    void deliversEverythingSentBeforeTheClientsClose() throws Exception {
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            for (int i = 0; i < 50; i++) {
                client.send("m" + i);
            }
            client.sendClose(1000, "");
            for (int i = 0; i < 50; i++) {
                assertEquals("m" + i, client.nextText());
            }
            assertEquals(1000, client.awaitClose().code());
        }
    }

    @Test
    void handlesManyClientsAtOnce() throws Exception {
        TestClient[] clients = new TestClient[50];
        try {
            for (int i = 0; i < clients.length; i++) {
                clients[i] = TestClient.connect(server.uri("/echo"));
            }
            for (int i = 0; i < clients.length; i++) {
                clients[i].send("client " + i);
            }
            for (int i = 0; i < clients.length; i++) {
                assertEquals("client " + i, clients[i].nextText());
            }
        } finally {
            for (TestClient c : clients) {
                if (c != null) {
                    c.close();
                }
            }
        }
        TestClient.await("all released", () -> server.server().connections().size() == 0);
        assertTrue(server.server().metrics().connectionsOpen.sum() == 0);
    }
}
