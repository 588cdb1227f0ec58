package relay.proto.studio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The studio token file ({@code --studio-tokens FILE}, format in {@link StudioTokens}), re-read when it
 * changes: an authentication looks at the file's modification time and size at most once per
 * {@link #DEFAULT_CHECK_INTERVAL_MS}, and a changed file applies from the next authentication on (connections
 * already authenticated stay). A file that cannot be read or parsed any more keeps the last good tokens and
 * logs a WARNING, so an editor's half-written save never locks every device out. Thread-safe: any
 * connection's reader thread may call {@link #current}; one of them reloads while the others use the last
 * tokens.
 */
public final class StudioTokenFile {
    private static final Logger LOG = Logger.getLogger("relay.Studio");
    /** Edits take effect within a second: quick for an operator, one stat per second at most. */
    public static final long DEFAULT_CHECK_INTERVAL_MS = 1_000;

    private final Path file;
    private final long checkIntervalNs;
    private final LongSupplier nanoClock;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile StudioTokens current;
    private volatile Object loadedVersion;
    private volatile long checkedAtNs;

    StudioTokenFile(Path file, long checkIntervalMs, LongSupplier nanoClock) throws IOException {
        this.file = file;
        this.checkIntervalNs = TimeUnit.MILLISECONDS.toNanos(checkIntervalMs);
        this.nanoClock = nanoClock;
        this.loadedVersion = version();
        this.current = StudioTokens.load(file);
        this.checkedAtNs = nanoClock.getAsLong();
    }

    /**
     * The token file's tokens, re-read when it changes; or null when no file is configured, in which case any
     * non-empty token is accepted (as the original did) and a start-up warning says so. Throws if a configured
     * file cannot be read at start-up.
     */
    public static StudioTokenFile openOrWarn(Path file) throws IOException {
        if (file == null) {
            LOG.warning("No studio token file (--studio-tokens FILE): studio accepts any non-empty token");
            return null;
        }
        StudioTokenFile tokens = new StudioTokenFile(file, DEFAULT_CHECK_INTERVAL_MS, System::nanoTime);
        LOG.info("Studio tokens: " + tokens.current.size() + " ids from " + file + " (re-read when it changes)");
        return tokens;
    }

    /** The tokens to check an authentication against. */
    public StudioTokens current() {
        long now = nanoClock.getAsLong();
        if (now - checkedAtNs >= checkIntervalNs && reloading.tryLock()) {
            try {
                checkedAtNs = now;
                reloadIfChanged();
            } finally {
                reloading.unlock();
            }
        }
        return current;
    }

    private void reloadIfChanged() {
        Object version;
        try {
            version = version();
        } catch (IOException e) {
            LOG.warning("Studio token file " + file + " unreadable (" + e + "); keeping the last " + current.size() + " ids");
            return;
        }
        if (version.equals(loadedVersion)) {
            return;
        }
        try {
            current = StudioTokens.load(file);
            loadedVersion = version;
            LOG.info("Studio tokens reloaded: " + current.size() + " ids from " + file);
        } catch (IOException e) {
            loadedVersion = version; // warn once per change, not on every check
            LOG.warning(e.getMessage() + "; keeping the last " + current.size() + " ids");
        }
    }

    /** What identifies a version of the file: modification time and size. */
    private Object version() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.lastModifiedTime().toString() + "/" + attributes.size();
    }
}
