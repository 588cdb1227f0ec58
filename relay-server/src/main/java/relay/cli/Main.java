package relay.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.Server;
import relay.config.Admission;
import relay.config.ClusterConfig;
import relay.config.Limits;
import relay.config.ListenerSpec;
import relay.config.RelayConfig;
import relay.config.SharedSecret;
import relay.log.LogSetup;

/** The server's command line: flags to {@link RelayConfig}, then run until SIGTERM/SIGINT. */
@Command(name = "relay serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Low-latency WebSocket relay serving the booth, studio, broadcast, CarParty and signaling protocols.")
public final class Main implements Callable<Integer> {
    /** The seeds' own ports (protocols.md): 8765 (000, 004), 8080 (001, 003), 8000 (002). */
    static final List<Integer> SEED_PORTS = List.of(8765, 8080, 8000);

    @Option(names = "--host", description = "Address of the default listener and of --listen entries without one (default: ${DEFAULT-VALUE}).")
    String host = RelayConfig.DEFAULT_HOST;

    @Option(names = "--port", description = "Port of the default auto listener (default: ${DEFAULT-VALUE}).")
    int port = RelayConfig.DEFAULT_PORT;

    @Option(names = "--listen", paramLabel = "[host:]port[=mode]",
            description = "A listener; repeatable. Mode: auto (default), booth, studio, broadcast, carparty, signaling, echo. Replaces the default listener.")
    List<String> listen = new ArrayList<>();

    @Option(names = "--seed-ports", description = "Also listen (auto) on the seeds' ports 8765, 8080 and 8000.")
    boolean seedPorts;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "DEBUG, INFO, WARNING or ERROR (default: ${DEFAULT-VALUE}).")
    String logLevel = "INFO";

    @Option(names = "--max-message-bytes", description = "Largest message accepted; larger ones close with 1009 (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes = Limits.DEFAULT_MAX_MESSAGE_BYTES;

    @Option(names = "--max-header-bytes", description = "Largest HTTP request head; larger ones get 431 (default: ${DEFAULT-VALUE}).")
    int maxHeaderBytes = Limits.DEFAULT_MAX_HEADER_BYTES;

    @Option(names = "--handshake-timeout-ms", description = "Time allowed for the upgrade request (default: ${DEFAULT-VALUE}).")
    long handshakeTimeoutMs = Limits.DEFAULT_HANDSHAKE_TIMEOUT_MS;

    @Option(names = "--ping-interval-ms", description = "Ping a connection silent this long (default: ${DEFAULT-VALUE}).")
    long pingIntervalMs = Limits.DEFAULT_PING_INTERVAL_MS;

    @Option(names = "--pong-timeout-ms", description = "Drop a pinged connection silent this long (default: ${DEFAULT-VALUE}).")
    long pongTimeoutMs = Limits.DEFAULT_PONG_TIMEOUT_MS;

    @Option(names = "--close-timeout-ms", description = "Wait this long for the peer's Close (default: ${DEFAULT-VALUE}).")
    long closeTimeoutMs = Limits.DEFAULT_CLOSE_TIMEOUT_MS;

    @Option(names = "--outbound-max-messages", description = "Messages queued per peer before it is closed with 1013 (default: ${DEFAULT-VALUE}).")
    int outboundMaxMessages = Limits.DEFAULT_OUTBOUND_MAX_MESSAGES;

    @Option(names = "--outbound-max-bytes", description = "Bytes queued per peer before it is closed with 1013 (default: ${DEFAULT-VALUE}).")
    long outboundMaxBytes = Limits.DEFAULT_OUTBOUND_MAX_BYTES;

    @Option(names = "--read-buffer-bytes", description = "Largest socket read per connection; buffers start at 512 bytes and grow to it under bulk traffic (default: ${DEFAULT-VALUE}).")
    int readBufferBytes = Limits.DEFAULT_READ_BUFFER_BYTES;

    @Option(names = "--idle-park-ms", description = "A connection whose client sends nothing for this long gives up its threads until the client speaks (the idle parker writes what is sent to it meanwhile), halving its memory; 0 turns parking off (default: ${DEFAULT-VALUE}).")
    long idleParkMs = Limits.DEFAULT_IDLE_PARK_MS;

    @Option(names = "--parked-messages-per-second", description = "A parked connection's messages are routed by the idle parker's thread, event-loop style, while its client sends at most this many a second; a faster client gets its reader thread back. 0 gives it back for every message (default: ${DEFAULT-VALUE}).")
    int parkedMessagesPerSecond = Limits.DEFAULT_PARKED_MESSAGES_PER_SECOND;

    @Option(names = "--max-connections", description = "Open sockets in all; more get 503 (default: ${DEFAULT-VALUE}).")
    int maxConnections = Admission.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-connections-per-ip", description = "Open sockets per source address; more get 429; 0 = off (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerIp = Admission.DEFAULT_MAX_CONNECTIONS_PER_IP;

    @Option(names = "--max-handshakes", description = "Sockets still in their upgrade; more get 503 (default: ${DEFAULT-VALUE}).")
    int maxHandshakes = Admission.DEFAULT_MAX_HANDSHAKES_IN_FLIGHT;

    @Option(names = "--max-messages-per-second", description = "Per connection, sustained; over it closes with 1008; 0 = off (default: ${DEFAULT-VALUE}).")
    int maxMessagesPerSecond = Admission.DEFAULT_MAX_MESSAGES_PER_SECOND;

    @Option(names = "--max-bytes-per-second", description = "Per connection, sustained payload bytes; over it 1008; 0 = off (default: ${DEFAULT-VALUE}).")
    long maxBytesPerSecond = Admission.DEFAULT_MAX_BYTES_PER_SECOND;

    @Option(names = "--max-fragments", description = "Frames per fragmented message; more close with 1009 (default: ${DEFAULT-VALUE}).")
    int maxFragments = Admission.DEFAULT_MAX_FRAGMENTS_PER_MESSAGE;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN", description = "Browser Origin allowed to connect; repeatable. Unset: every Origin (non-browser clients send none and are always allowed).")
    List<String> allowOrigins = new ArrayList<>();

    @Option(names = "--studio-tokens", paramLabel = "FILE", description = "Studio token file; without it any non-empty token is accepted.")
    Path studioTokens;

    @Option(names = "--carparty-secret", paramLabel = "SECRET",
            description = "A CarParty login_server must carry this in its \"secret\" field, or it is closed with 1008. Unset: no check (original clients).")
    String carpartySecret;

    @Option(names = "--signaling-secret", paramLabel = "SECRET",
            description = "A signaling register must carry this in its \"secret\" field, or it gets error Invalid secret. Unset: no check (original clients).")
    String signalingSecret;

    @Option(names = "--studio-idle-ms", description = "Auto listeners: bind a silent connection to studio after this long (default: ${DEFAULT-VALUE}).")
    long studioIdleMs = RelayConfig.DEFAULT_STUDIO_IDLE_WINDOW_MS;

    @Option(names = "--shutdown-timeout-ms", description = "On SIGTERM, wait this long for closing handshakes (default: ${DEFAULT-VALUE}).")
    long shutdownTimeoutMs = RelayConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS;

    @Option(names = "--cluster", paramLabel = "redis://HOST:PORT",
            description = "Join the relay nodes that share this Redis as one server (docs/cluster.md). Without it no Redis is used.")
    String cluster;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", relay.log.ShutdownSafeLogManager.class.getName());
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("relay: " + ex.getMessage());
            ex.getCommandLine().usage(System.err);
            return 2;
        });
        System.exit(cli.execute(args));
    }

    /** Builds the configuration these flags describe; throws IllegalArgumentException on bad values. */
    RelayConfig toConfig() {
        Map<Integer, ListenerSpec> byPort = new LinkedHashMap<>();
        if (listen.isEmpty()) {
            byPort.put(port, new ListenerSpec(host, port, ListenerSpec.AUTO));
        }
        for (String text : listen) {
            ListenerSpec spec = ListenerSpec.parse(text, host);
            if (byPort.putIfAbsent(spec.port(), spec) != null) {
                throw new IllegalArgumentException("port " + spec.port() + " given twice");
            }
        }
        if (seedPorts) {
            for (int p : SEED_PORTS) {
                byPort.putIfAbsent(p, new ListenerSpec(host, p, ListenerSpec.AUTO));
            }
        }
        Limits limits = new Limits(maxMessageBytes, maxHeaderBytes, handshakeTimeoutMs, pingIntervalMs, pongTimeoutMs,
                closeTimeoutMs, outboundMaxMessages, outboundMaxBytes, readBufferBytes, idleParkMs,
                parkedMessagesPerSecond);
        if (maxBytesPerSecond > 0 && maxBytesPerSecond < maxMessageBytes) {
            throw new IllegalArgumentException("--max-bytes-per-second must be at least --max-message-bytes (or 0), "
                    + "or a maximum-size message could never pass");
        }
        Admission admission = new Admission(maxConnections, maxConnectionsPerIp, maxHandshakes, maxMessagesPerSecond,
                maxBytesPerSecond, maxFragments, java.util.Set.copyOf(allowOrigins))
                .withSecrets(SharedSecret.of(carpartySecret), SharedSecret.of(signalingSecret));
        ClusterConfig clusterConfig = cluster == null ? null : ClusterConfig.parse(cluster);
        return new RelayConfig(new ArrayList<>(byPort.values()), limits, studioTokens, studioIdleMs, shutdownTimeoutMs,
                admission, clusterConfig);
    }

    @Override
    public Integer call() throws Exception {
        RelayConfig config;
        try {
            LogSetup.configure(LogSetup.parseLevel(logLevel), System.err);
            config = toConfig();
        } catch (IllegalArgumentException e) {
            System.err.println("relay: " + e.getMessage());
            return 2;
        }
        Logger log = Logger.getLogger("relay.Server");
        Server server = new Server(config);
        try {
            server.start();
        } catch (java.io.IOException e) {
            log.severe("Cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "relay-shutdown"));
        stopped.await();
        return 0;
    }
}
