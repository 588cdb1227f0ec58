package relay.log;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager resets (drops every handler) in its own shutdown hook, which races relay's shutdown
 * hook and silences the "Shutting down" lines. This manager ignores that reset; explicit configuration
 * still works through {@link LogSetup}. Installed with {@code -Djava.util.logging.manager} by the launcher (Main also sets it, which works only when
 * nothing touched java.util.logging before main).
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        // kept: handlers stay until the process ends
    }
}
