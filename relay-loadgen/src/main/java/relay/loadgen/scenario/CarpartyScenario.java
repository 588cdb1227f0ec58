package relay.loadgen.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.loadgen.net.WsConnection;

/**
 * {@code carparty}: R rooms, each one game server ({@code login_server}) and K clients ({@code login_client});
 * each game server sends M messages per second, a share of them targeted with {@code receiver_id}, the rest
 * broadcast to its room; every client sends inputs back at its own rate (relay injects its client_id).
 * Series: {@code broadcast} and {@code targeted} (per delivery to a client), {@code input} (per input
 * arriving at the game server), {@code send-lag}.
 */
@Command(name = "carparty", mixinStandardHelpOptions = true,
        description = "R rooms x K clients; game servers broadcast at M msg/s, clients send inputs back.")
public final class CarpartyScenario extends Scenario {
    private static final byte[] ACTION = "\"action\"".getBytes(StandardCharsets.UTF_8);
    /** How often set-up logs refused clients in again (see {@link #awaitLogins}). */
    private static final long LOGIN_RETRY_NS = 100_000_000L;
    /** relay's Close for a login_client whose room no game server owns (protocols.md). */
    private static final int REFUSED = 1008;
    private static final String UNKNOWN_ROOM = "unknown server_code";

    @Option(names = {"-R", "--rooms"}, defaultValue = "10", description = "Rooms (game servers). Default: ${DEFAULT-VALUE}")
    int rooms;

    @Option(names = {"-K", "--clients"}, defaultValue = "50", description = "Clients per room. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = {"-M", "--rate"}, defaultValue = "20", description = "Messages per second from each game server. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = "--targeted-share", defaultValue = "0",
            description = "Share (0..1) of game-server messages sent to one client with receiver_id. Default: ${DEFAULT-VALUE}")
    double targetedShare;

    @Option(names = "--input-rate", defaultValue = "0", description = "Inputs per second from each client (0: none). Default: ${DEFAULT-VALUE}")
    double inputRate;

    @Option(names = {"-s", "--size"}, defaultValue = "128", description = "Message size in bytes. Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--path", defaultValue = "/carparty", description = "Path (peers route on any path; relay also binds / by first frame). Default: ${DEFAULT-VALUE}")
    String path;

    @Option(names = "--client-url", description = "Clients connect here instead of --url: another node of a relay "
            + "cluster, to measure across nodes (docs/cluster.md). Default: --url")
    java.net.URI clientUrl;

    @Option(names = "--code-prefix", defaultValue = "lg", description = "server_code prefix (room r is <prefix><r>). Default: ${DEFAULT-VALUE}")
    String codePrefix;

    private final List<Room> roomList = new ArrayList<>();
    /** Clients refused because their room's login_server was not handled yet; set-up logs them in again. */
    private final Queue<Client> refusedLogins = new ConcurrentLinkedQueue<>();
    private volatile boolean settingUp = true;

    @Override
    protected String name() {
        return "carparty";
    }

    @Override
    protected List<String> series() {
        return withSendLag("broadcast", "targeted", "input");
    }

    @Override
    protected int connectionCount() {
        return rooms * (clients + 1);
    }

    /** One room: its game server connection and pacer. */
    private final class Room extends Participant {
        final int index;
        final String code;
        WsConnection server;
        CountDownLatch opened;
        CountDownLatch connected;
        final MessageTemplate broadcast = new MessageTemplate("{", "}", size);
        // receiver ids are fixed-width ("c000017") so that one template serves every target
        final MessageTemplate targeted = new MessageTemplate("{\"receiver_id\":\"c000000\",", "}", size);
        final int receiverPos = targeted.positionOf("c000000") + 1;
        int inputSeries;
        double targetedCredit;
        int nextTarget;

        Room(int index) {
            this.index = index;
            this.code = codePrefix + index;
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            sendSetUp(c, "{\"action\":\"login_server\",\"server_code\":\"" + code + "\"}");
            opened.countDown();
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            long stamp = Stamp.findAndRead(bytes, offset, length);
            if (stamp >= 0) {
                run.recordStamped(inputSeries, stamp, nowNs);
            } else if (Stamp.contains(bytes, offset, length, ACTION)) {
                String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
                if (text.contains("\"connect\"")) {
                    connected.countDown(); // set-up only: a client logged in
                }
            } else {
                run.errors.add("wrong answer: game server got an unstamped message");
            }
        }

        @Override
        CountDownLatch setUpLatch() {
            return opened;
        }

        /**
         * Whether the next message is targeted ({@code --targeted-share} of them, to the room's clients in
         * turn, its receiver id patched in) rather than broadcast to the room.
         */
        boolean nextIsTargeted() {
            targetedCredit += targetedShare;
            if (targetedCredit < 1) {
                return false;
            }
            targetedCredit -= 1;
            Stamp.writeDigits(targeted.bytes(), receiverPos, nextTarget, 6);
            nextTarget = (nextTarget + 1) % clients;
            return true;
        }
    }

    /** One client of a room. */
    private final class Client extends Participant {
        final Room room;
        final String id;
        final MessageTemplate input = new MessageTemplate("{\"input\":1,", "}", size);
        int broadcastSeries;
        int targetedSeries;
        CountDownLatch opened;

        Client(Room room, int index) {
            this.room = room;
            this.id = String.format(Locale.ROOT, "c%06d", index);
        }

        @Override
        public void onOpen(WsConnection c, long nowNs) {
            sendSetUp(c, "{\"action\":\"login_client\",\"server_code\":\"" + room.code + "\",\"client_id\":\"" + id + "\"}");
            opened.countDown();
        }

        @Override
        public void onText(WsConnection c, byte[] bytes, int offset, int length, long nowNs) {
            boolean targeted = length > 14 && bytes[offset + 2] == 'r'; // {"receiver_id"... as we sent it, verbatim
            run.recordStamped(targeted ? targetedSeries : broadcastSeries, Stamp.findAndRead(bytes, offset, length), nowNs);
        }

        @Override
        public void onClosed(WsConnection c, int code, String reason, boolean initiatedByUs) {
            if (settingUp && code == REFUSED && reason != null && reason.contains(UNKNOWN_ROOM)) {
                refusedLogins.add(this); // logged in before its room's game server: it tries again
                return;
            }
            super.onClosed(c, code, reason, initiatedByUs);
        }

        @Override
        CountDownLatch setUpLatch() {
            return opened;
        }
    }

    private final List<WsConnection> clientConnections = new ArrayList<>();

    @Override
    protected void setUp(Run run, long deadlineNs) throws InterruptedException {
        CountDownLatch serversOpen = new CountDownLatch(rooms);
        CountDownLatch allConnected = new CountDownLatch(rooms * clients);
        for (int r = 0; r < rooms; r++) {
            Room room = new Room(r);
            room.run = run;
            room.opened = serversOpen;
            room.connected = allConnected;
            room.inputSeries = run.log.index("input");
            room.server = run.group.open(path, room);
            roomList.add(room);
        }
        if (!await(serversOpen, deadlineNs)) {
            run.errors.add("connect timeout", serversOpen.getCount());
        }
        Thread.sleep(200); // let the login_server frames be processed before clients log in (no reply to wait for)
        CountDownLatch clientsOpen = new CountDownLatch(rooms * clients);
        for (Room room : roomList) {
            for (int k = 0; k < clients; k++) {
                Client client = new Client(room, k);
                client.run = run;
                client.opened = clientsOpen;
                client.broadcastSeries = run.log.index("broadcast");
                client.targetedSeries = run.log.index("targeted");
                open(run, client);
            }
        }
        if (!await(clientsOpen, deadlineNs)) {
            run.errors.add("connect timeout", clientsOpen.getCount());
        }
        awaitLogins(run, allConnected, deadlineNs);
    }

    private void open(Run run, Client client) throws InterruptedException {
        WsConnection c = clientUrl == null ? run.group.open(path, client) : run.group.open(clientUrl, path, client);
        c.attach(client);
        clientConnections.add(c);
    }

    /**
     * Waits until every game server was told of each of its clients. {@code login_server} has no reply to
     * wait for, so a client may log in before a slow server has handled its room's: it is refused with 1008
     * {@code unknown server_code}, and logs in again on a new connection, every {@link #LOGIN_RETRY_NS} until
     * the set-up deadline.
     */
    private void awaitLogins(Run run, CountDownLatch allConnected, long deadlineNs) throws InterruptedException {
        while (true) {
            long retryAtNs = System.nanoTime() + LOGIN_RETRY_NS;
            if (await(allConnected, retryAtNs - deadlineNs < 0 ? retryAtNs : deadlineNs)) {
                break;
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                run.errors.add("login timeout (game server got no connect)", allConnected.getCount());
                break;
            }
            Client refused;
            while ((refused = refusedLogins.poll()) != null) {
                open(run, refused);
            }
        }
        settingUp = false;
        refusedLogins.forEach(c -> countClose(run, REFUSED, UNKNOWN_ROOM, false)); // still refused at the deadline
    }

    @Override
    protected void startLoad(Run run, long loadStartNs) {
        for (Room room : roomList) {
            if (!room.server.isOpen()) {
                continue;
            }
            Pacer pacer = new Pacer(run, room.server.loop(), rate) {
                @Override
                protected boolean send(long intendedNs, long nowNs) {
                    return room.nextIsTargeted()
                            ? offer(room.server, room.targeted, intendedNs, 1)
                            : offer(room.server, room.broadcast, intendedNs, clients);
                }
            };
            pacer.startSpread(loadStartNs, room.index, rooms);
        }
        if (inputRate <= 0) {
            return;
        }
        int n = 0;
        for (WsConnection c : clientConnections) {
            if (!c.isOpen()) {
                continue;
            }
            Client client = c.attachment();
            Pacer pacer = new Pacer(run, c.loop(), inputRate) {
                @Override
                protected boolean send(long intendedNs, long nowNs) {
                    return offer(c, client.input, intendedNs, 1);
                }
            };
            pacer.startSpread(loadStartNs, n++, clientConnections.size());
        }
    }
}
