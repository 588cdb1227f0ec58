package relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

@Timeout(30)
class EchoIT {
    @Test
    void echoesTextAndBinaryWithTheirOpcode() throws Exception {
        try (TestServer server = TestServer.start(); TestClient client = TestClient.connect(server.uri("/echo"))) {
            client.send("hello");
            assertEquals("hello", client.nextText());
            byte[] payload = new byte[70_000];
            payload[69_999] = 42;
            client.sendBinary(payload);
            assertArrayEquals(payload, client.nextBinary());
        }
    }

    @Test
    void closesWith1002WhenAClientFrameIsNotMasked() throws Exception {
        try (TestServer server = TestServer.start(); RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.unmaskedFrame(0x81, "hi".getBytes()));
            assertEquals(1002, raw.readClose().closeCode());
            assertTrue(raw.serverClosesConnection());
        }
    }
}
