package relay.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.Limits;
import relay.testing.RawClient;
import relay.testing.Scrape;
import relay.testing.TestClient;
import relay.testing.TestServer;
import relay.ws.CloseCode;

/**
 * Idle connections give up their reader thread to the {@link IdleParker} and come back when needed: data from
 * the client (routed by the parker while the client is slow, by a resumed reader otherwise), data for the
 * client, keep-alive answered in place, timeouts and shutdown, all seen by real clients.
 */
@Timeout(30)
class IdleParkIT {
    private static final long PARK_MS = 150;
    /**
     * Pings come this long after the last read. A connection parks only once its writer thread has been
     * retired (2 s without writing), so pings must come later than that to find it parked.
     */
    private static final long PING_MS = 3_000;

    /** Default limits but a short idle-park time, the given ping interval and pong timeout, and parker rate. */
    private static Limits parking(long parkMs, long pingIntervalMs, long pongTimeoutMs, int parkedMessagesPerSecond) {
        Limits d = Limits.defaults();
        return new Limits(d.maxMessageBytes(), d.maxHeaderBytes(), d.handshakeTimeoutMs(), pingIntervalMs,
                pongTimeoutMs, d.closeTimeoutMs(), d.outboundMaxMessages(), d.outboundMaxBytes(), d.readBufferBytes(),
                parkMs, parkedMessagesPerSecond);
    }

    private static TestServer start(long parkMs, long pingIntervalMs, long pongTimeoutMs) throws Exception {
        return TestServer.start(c -> c.withLimits(parking(parkMs, pingIntervalMs, pongTimeoutMs,
                Limits.DEFAULT_PARKED_MESSAGES_PER_SECOND)));
    }

    /** A server whose parker routes no messages itself: each one resumes its connection. */
    private static TestServer startResumingForEveryMessage(long parkMs) throws Exception {
        return TestServer.start(c -> c.withLimits(parking(parkMs, 20_000, 20_000, 0)));
    }

    private static long metric(TestServer server, String series) {
        return Scrape.of(server.http("/metrics")).value(series);
    }

    private static void awaitParked(TestServer server, long count) throws InterruptedException {
        TestClient.await(count + " connections parked", () -> metric(server, "relay_connections_parked") == count);
    }

    @Test
    void aSlowClientsMessagesAreRoutedByTheParkerWithoutResuming() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             TestClient listener = TestClient.connect(server.uri("/ws/relay/white/"));
             TestClient speaker = TestClient.connect(server.uri("/ws/relay/white/"))) {
            awaitParked(server, 2);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            long routedBefore = metric(server, "relay_parked_reads_routed_total");
            for (int i = 0; i < 3; i++) {
                speaker.send("routed in place " + i);
                assertEquals("routed in place " + i, listener.nextText());
                assertEquals("routed in place " + i, speaker.nextText());
                Thread.sleep(100); // a slow client: well under the default 50 messages a second
            }
            assertEquals(resumedBefore, metric(server, "relay_connections_resumed_total"), "no reader thread needed");
            assertEquals(routedBefore + 3, metric(server, "relay_parked_reads_routed_total"));
            assertEquals(2, metric(server, "relay_connections_parked"));
        }
    }

    @Test
    void aClientFasterThanTheParkersRateGetsItsReaderBackAndParksAgainWhenItSlowsDown() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             TestClient client = TestClient.connect(server.uri("/echo"))) {
            awaitParked(server, 1);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            int sent = 0;
            for (; sent < 20; sent++) {
                client.send("fast " + sent); // back to back: far more than 50 a second
            }
            for (int i = 0; i < sent; i++) {
                assertEquals("fast " + i, client.nextText());
            }
            assertTrue(metric(server, "relay_connections_resumed_total") > resumedBefore, "a busy client is resumed");
            // Slow again (4 reads at least twice the 20 ms gap apart): it parks without waiting for the park time.
            for (int i = 0; metric(server, "relay_connections_parked") == 0; i++) {
                assertTrue(i < 40, "the slowed-down client never parked");
                Thread.sleep(60);
                client.send("slow " + i);
                assertEquals("slow " + i, client.nextText());
            }
            long resumedWhenSlow = metric(server, "relay_connections_resumed_total");
            long routedWhenSlow = metric(server, "relay_parked_reads_routed_total");
            for (int i = 0; i < 3; i++) {
                Thread.sleep(60);
                client.send("parked " + i);
                assertEquals("parked " + i, client.nextText());
            }
            assertEquals(resumedWhenSlow, metric(server, "relay_connections_resumed_total"));
            assertEquals(routedWhenSlow + 3, metric(server, "relay_parked_reads_routed_total"));
        }
    }

    @Test
    void aMessageRoutedInPlaceReachesARecipientThatHasItsOwnThreads() throws Exception {
        // A park time long enough that the resumed listener keeps its threads for the whole test.
        try (TestServer server = start(5_000, 20_000, 20_000);
             RawClient listener = RawClient.upgraded(server.port(), "/ws/relay/black/").timeout(5_000);
             TestClient speaker = TestClient.connect(server.uri("/ws/relay/black/"))) {
            awaitParked(server, 2);
            for (int i = 0; i < 2; i++) { // two Pings within a second: not idle keep-alive, so it is resumed
                listener.write(RawClient.frame(0x89, new byte[] {(byte) i}));
                assertEquals(0xA, listener.readFrame().opcode());
            }
            TestClient.await("the listener resumed", () -> metric(server, "relay_connections_parked") == 1);
            long routedBefore = metric(server, "relay_parked_reads_routed_total");
            speaker.send("from the parker");
            // the parker routes it; a virtual thread it starts after its pass wakes the listener's writer
            assertEquals("from the parker", listener.readFrame().text());
            assertEquals("from the parker", speaker.nextText());
            assertEquals(routedBefore + 1, metric(server, "relay_parked_reads_routed_total"));
        }
    }

    @Test
    void whatTheParkerDoesNotRouteGoesToTheResumedReader() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(5_000)) {
            awaitParked(server, 1);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            ByteArrayOutputStream fragments = new ByteArrayOutputStream();
            fragments.write(RawClient.frame(0x01, "frag".getBytes(StandardCharsets.UTF_8)));
            fragments.write(RawClient.frame(0x80, "ment".getBytes(StandardCharsets.UTF_8)));
            client.write(fragments.toByteArray());
            assertEquals("fragment", client.readFrame().text());
            assertEquals(resumedBefore + 1, metric(server, "relay_connections_resumed_total"), "a fragmented message");
        }
    }

    @Test
    void aViolationRoutedByTheParkerFailsTheConnectionAsTheReaderWould() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(5_000)) {
            awaitParked(server, 1);
            client.sendText("valid first");
            assertEquals("valid first", client.readFrame().text());
            client.write(RawClient.frame(0x81, new byte[] {'o', 'k', (byte) 0xC0, (byte) 0xAF})); // overlong '/'
            assertEquals(CloseCode.INVALID_PAYLOAD, client.readClose().closeCode());
            assertTrue(client.serverClosesConnection(), "the resumed reader ends the connection as usual");
            client.close();
            TestClient.await("the connection released", () -> metric(server, "relay_connections_open") == 0
                    && metric(server, "relay_connections_parked") == 0);
        }
    }

    @Test
    void withoutInPlaceRoutingAParkedConnectionResumesForWhatTheClientSendsAndParksAgain() throws Exception {
        try (TestServer server = startResumingForEveryMessage(PARK_MS);
             TestClient client = TestClient.connect(server.uri("/echo"))) {
            awaitParked(server, 1);
            client.send("after a nap");
            assertEquals("after a nap", client.nextText());
            assertTrue(metric(server, "relay_connections_resumed_total") >= 1);
            awaitParked(server, 1);
            client.send("and again");
            assertEquals("and again", client.nextText());
        }
    }

    @Test
    void aParkedConnectionIsWrittenToWithoutResuming() throws Exception {
        try (TestServer server = startResumingForEveryMessage(PARK_MS);
             TestClient listener = TestClient.connect(server.uri("/ws/relay/red/"));
             TestClient speaker = TestClient.connect(server.uri("/ws/relay/red/"))) {
            awaitParked(server, 2);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            speaker.send("to everyone");
            assertEquals("to everyone", listener.nextText());
            assertEquals("to everyone", speaker.nextText());
            assertEquals(resumedBefore + 1, metric(server, "relay_connections_resumed_total"),
                    "only the speaker needed its reader back");
            assertTrue(metric(server, "relay_parked_writes_total") >= 1);
            awaitParked(server, 2);
            speaker.send("once more");
            assertEquals("once more", listener.nextText());
        }
    }

    @Test
    void aListenerParksWhileItIsStillSentTo() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             TestClient listener = TestClient.connect(server.uri("/ws/relay/blue/"));
             TestClient speaker = TestClient.connect(server.uri("/ws/relay/blue/"))) {
            listener.send("hello"); // it speaks once (a login), then only listens
            assertEquals("hello", listener.nextText());
            assertEquals("hello", speaker.nextText());
            // A tick every 50 ms keeps the listener's writer busy, yet after a park time without reading the
            // listener parks, and the parker writes its ticks. (The speaker's own echo never goes through the
            // parker: its message resumes it first.)
            int sent = 0;
            long parkedWrites;
            do {
                assertTrue(sent < 200, "the listener never parked");
                parkedWrites = metric(server, "relay_parked_writes_total");
                tick(speaker, sent++);
            } while (metric(server, "relay_parked_writes_total") == parkedWrites);
            parkedWrites = metric(server, "relay_parked_writes_total");
            for (int i = 0; i < 20; i++) {
                tick(speaker, sent++);
            }
            for (int i = 0; i < sent; i++) {
                assertEquals("tick " + i, listener.nextText());
            }
            long written = metric(server, "relay_parked_writes_total") - parkedWrites;
            assertTrue(written >= 10, written + " of the last 20 ticks written by the parker"); // two may share a write
            assertTrue(metric(server, "relay_connections_parked") >= 1, "the listener is still parked");
        }
    }

    private static void tick(TestClient speaker, int i) throws Exception {
        speaker.send("tick " + i);
        assertEquals("tick " + i, speaker.nextText());
        Thread.sleep(50);
    }

    @Test
    void aParkedListenerThatStopsReadingGetsItsWholeStreamOnceItReads() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             RawClient listener = RawClient.upgraded(server.port(), "/ws/relay/green/", 4096).timeout(10_000);
             TestClient speaker = TestClient.connect(server.uri("/ws/relay/green/"))) {
            awaitParked(server, 2);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            String padding = "x".repeat(2 * 1024); // the first ones fit an empty send buffer whole
            int sent = 0;
            // The listener reads nothing: its socket buffers fill, the parker's write goes out in part, and the
            // connection resumes (the speaker resumes once too) with the rest of that batch carried over.
            while (metric(server, "relay_connections_resumed_total") < resumedBefore + 2) {
                assertTrue(sent < 4_000, "the listener's buffers never filled");
                for (int i = 0; i < 10; i++, sent++) {
                    speaker.send(sent + " " + padding);
                    speaker.nextText();
                }
            }
            assertTrue(metric(server, "relay_parked_writes_total") >= 2, "the first messages were written by the parker");
            for (int i = 0; i < sent; i++) {
                RawClient.Frame frame = listener.readFrame();
                assertEquals(0x1, frame.opcode());
                assertEquals(i + " " + padding, frame.text(), "message " + i + " of " + sent);
            }
        }
    }

    @Test
    void keepAliveIsAnsweredWithoutResumingTheConnection() throws Exception {
        try (TestServer server = start(PARK_MS, PING_MS, 2_000);
             RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(5_000)) {
            awaitParked(server, 1);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            for (int round = 0; round < 2; round++) {
                RawClient.Frame ping = client.readFrame(); // the server's keep-alive, written by the parker
                assertEquals(0x9, ping.opcode());
                byte[] payload = ("are you there " + round).getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream keepAlive = new ByteArrayOutputStream();
                keepAlive.write(RawClient.frame(0x8A, ping.payload())); // the answer
                keepAlive.write(RawClient.frame(0x89, payload)); // and the client's own keep-alive, in one packet
                client.write(keepAlive.toByteArray());
                RawClient.Frame pong = client.readFrame();
                assertEquals(0xA, pong.opcode());
                assertArrayEquals(payload, pong.payload());
            }
            // two ping intervals later, past the pong timeout: still open, still parked, never resumed
            assertEquals(1, metric(server, "relay_connections_parked"));
            assertEquals(resumedBefore, metric(server, "relay_connections_resumed_total"));
            client.sendText("still here");
            RawClient.Frame echo = client.readFrame();
            while (echo.opcode() == 0x9) {
                echo = client.readFrame();
            }
            assertEquals("still here", echo.text());
        }
    }

    @Test
    void aFrameFromAnotherThreadIsWrittenWhileAReaderRoutingAMessageIsBlocked() throws Exception {
        try (TestServer server = start(PARK_MS, 500, 5_000);
             RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(5_000)) {
            awaitParked(server, 1);
            IdleParker parker = server.server().parker();
            parker.holdWakeups(); // as a reader whose routing waits for a Redis round trip that does not come
            try {
                // the sweeper's Ping comes from the timer thread, whose wake waits for no release
                assertEquals(0x9, client.readFrame().opcode());
            } finally {
                parker.releaseWakeups();
            }
            assertEquals(1, metric(server, "relay_connections_parked"), "written by the parker, still parked");
        }
    }

    @Test
    void aClientThatPingsOftenIsResumedRatherThanAnsweredByTheParker() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(5_000)) {
            awaitParked(server, 1);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            for (int i = 0; i < 5; i++) {
                client.write(RawClient.frame(0x89, new byte[] {(byte) i}));
                RawClient.Frame pong = client.readFrame();
                assertEquals(0xA, pong.opcode());
                assertArrayEquals(new byte[] {(byte) i}, pong.payload());
            }
            assertTrue(metric(server, "relay_connections_resumed_total") > resumedBefore,
                    "pings in quick succession are not idle keep-alive");
        }
    }

    @Test
    void aClientReportingJustOverTheParkTimeStopsBeingParkedBetweenReports() throws Exception {
        try (TestServer server = startResumingForEveryMessage(PARK_MS);
             TestClient client = TestClient.connect(server.uri("/echo"))) {
            awaitParked(server, 1);
            long resumedBefore = metric(server, "relay_connections_resumed_total");
            int reports = 12;
            for (int i = 0; i < reports; i++) {
                Thread.sleep(PARK_MS + 100); // the client's own pace: a report every 250 ms
                client.send("report " + i);
                assertEquals("report " + i, client.nextText());
            }
            long resumes = metric(server, "relay_connections_resumed_total") - resumedBefore;
            // each report would find it parked (12 park/resume pairs); after the first the park time stretches
            assertTrue(resumes <= 4, resumes + " resumptions for " + reports + " reports");
        }
    }

    @Test
    void aPingAndAMessageInOnePacketGetAPongAndTheEcho() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000);
             RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(5_000)) {
            awaitParked(server, 1);
            ByteArrayOutputStream packet = new ByteArrayOutputStream();
            packet.write(RawClient.frame(0x89, new byte[] {7}));
            packet.write(RawClient.frame(0x81, "behind the ping".getBytes(StandardCharsets.UTF_8)));
            client.write(packet.toByteArray());
            RawClient.Frame pong = client.readFrame();
            assertEquals(0xA, pong.opcode());
            assertArrayEquals(new byte[] {7}, pong.payload());
            assertEquals("behind the ping", client.readFrame().text());
        }
    }

    @Test
    void aParkedClientThatStopsAnsweringIsDroppedAndReleased() throws Exception {
        try (TestServer server = start(PARK_MS, PING_MS, 500);
             RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(10_000)) {
            awaitParked(server, 1);
            assertTrue(client.serverClosesConnection(), "the server drops a peer that never answers its pings");
            TestClient.await("the connection released", () -> metric(server, "relay_connections_open") == 0
                    && metric(server, "relay_connections_parked") == 0);
        }
    }

    @Test
    void aClientThatClosesWhileParkedIsReleased() throws Exception {
        try (TestServer server = start(PARK_MS, 20_000, 20_000)) {
            RawClient client = RawClient.upgraded(server.port(), "/echo").timeout(5_000);
            awaitParked(server, 1);
            client.write(RawClient.closeFrame(CloseCode.NORMAL, "bye"));
            assertEquals(CloseCode.NORMAL, client.readClose().closeCode());
            client.close();
            TestClient.await("the connection released", () -> metric(server, "relay_connections_open") == 0);
            RawClient vanishing = RawClient.upgraded(server.port(), "/echo");
            awaitParked(server, 1);
            vanishing.reset();
            TestClient.await("the reset connection released", () -> metric(server, "relay_connections_open") == 0
                    && metric(server, "relay_connections_parked") == 0);
        }
    }

    @Test
    void shutdownClosesParkedConnectionsWithGoingAway() throws Exception {
        TestServer server = start(PARK_MS, 20_000, 20_000);
        try (TestClient client = TestClient.connect(server.uri("/echo"))) {
            awaitParked(server, 1);
            server.close();
            assertEquals(CloseCode.GOING_AWAY, client.awaitClose().code());
        }
    }

    @Test
    void parkingCanBeTurnedOff() throws Exception {
        try (TestServer server = start(0, 20_000, 20_000);
             TestClient client = TestClient.connect(server.uri("/echo"))) {
            client.expectNothing(4 * PARK_MS);
            assertEquals(0, metric(server, "relay_connections_parked"));
            client.send("awake");
            assertEquals("awake", client.nextText());
        }
    }
}
