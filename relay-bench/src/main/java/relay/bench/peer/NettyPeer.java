package relay.bench.peer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultithreadEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.Version;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A reference relay on Netty 4.1, the third peer beside {@code ../shared/peers/uws-server.js} and
 * {@code ws-server.js}: the same CarParty and booth/scanner routing core, message for message
 * ({@link PeerHandler}), so that the load generator's {@code carparty}, {@code booth} and
 * {@code connections} scenarios run against it unchanged. Written as a Netty user writes a fast relay:
 * the native epoll transport (NIO where it does not load), pooled buffers, HttpServerCodec +
 * HttpObjectAggregator + WebSocketServerProtocolHandler on any path without extensions (no compression),
 * broadcasts relayed as retained duplicates of the one frame that arrived, and a FlushConsolidationHandler
 * that flushes once per read batch (and once per batch of writes handed over from other event loops).
 * Event loops: {@code --threads} (default: Netty's, twice the cores). Listens on 127.0.0.1 like the Node peers.
 *
 * <pre>java -cp relay-bench/target/relay-bench.jar relay.bench.peer.NettyPeer 9003 [--threads N]</pre>
 */
public final class NettyPeer implements AutoCloseable {
    /** The Node peers' default port. */
    public static final int DEFAULT_PORT = 8765;
    /** Event loops for the connections; 0 is Netty's default, twice the cores ({@code io.netty.eventLoopThreads}). */
    public static final int DEFAULT_THREADS = 0;
    /** uws-server.js and ws-server.js: maxPayloadLength / maxPayload 1 MiB. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;
    /** Largest handshake request (HttpObjectAggregator); a WebSocket upgrade carries no body. */
    static final int MAX_HANDSHAKE_BYTES = 64 << 10;

    private static final WebSocketServerProtocolConfig WEBSOCKET = WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/")
            .checkStartsWith(true)          // every path, like the Node peers' '/*'
            .allowExtensions(false)         // no permessage-deflate
            .maxFramePayloadLength(MAX_MESSAGE_BYTES)
            .build();

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final String transport;

    private NettyPeer(EventLoopGroup boss, EventLoopGroup workers, Channel listener, String transport) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.transport = transport;
    }

    /**
     * Binds {@code host:port} (0: an ephemeral port) and returns once listening.
     *
     * @param threads event loops for the connections; {@link #DEFAULT_THREADS} (0) for Netty's default
     */
    public static NettyPeer start(String host, int port, int threads) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        PeerRegistry registry = new PeerRegistry();
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelType)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    // first, so that it sees every flush: one flush per read batch, and one per
                                    // batch of writes other event loops hand over (consolidateWhenNoReadInProgress)
                                    new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(MAX_HANDSHAKE_BYTES),
                                    new WebSocketServerProtocolHandler(WEBSOCKET),
                                    new WebSocketFrameAggregator(MAX_MESSAGE_BYTES),
                                    new PeerHandler(registry));
                        }
                    })
                    .bind(host, port).sync().channel();
            String name = (epoll ? "epoll" : "nio") + ", " + ((MultithreadEventLoopGroup) workers).executorCount() + " event loops";
            return new NettyPeer(boss, workers, listener, name);
        } catch (InterruptedException | RuntimeException e) {
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** e.g. {@code Netty 4.1.140.Final, epoll, 4 event loops}. */
    public String description() {
        Version netty = Version.identify().get("netty-transport");
        return "Netty " + (netty == null ? "?" : netty.artifactVersion()) + ", " + transport;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws InterruptedException {
        int port = DEFAULT_PORT;
        int threads = DEFAULT_THREADS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--threads") && i + 1 < args.length) {
                threads = Integer.parseInt(args[++i]);
            } else if (arg.startsWith("--threads=")) {
                threads = Integer.parseInt(arg.substring("--threads=".length()));
            } else if (arg.matches("\\d+")) {
                port = Integer.parseInt(arg);
            } else {
                System.err.println("usage: NettyPeer [PORT (default " + DEFAULT_PORT + ")] [--threads N (default: Netty's, 2 x cores)]");
                System.exit(2);
            }
        }
        NettyPeer peer = start("127.0.0.1", port, threads);
        Runtime.getRuntime().addShutdownHook(new Thread(peer::close, "netty-peer-shutdown"));
        System.out.println("netty relay (" + peer.description() + ") listening on 127.0.0.1:" + peer.port());
        peer.listener.closeFuture().sync();
    }
}
