package relay.log;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Configures java.util.logging to print seed 004's format, {@code 2025-01-25 10:30:15 [INFO] relay.Server: message},
 * with the level names DEBUG, INFO, WARNING and ERROR.
 */
public final class LogSetup {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final Logger RELAY = Logger.getLogger("relay");

    private LogSetup() {}

    public static Level parseLevel(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "DEBUG" -> Level.FINE;
            case "INFO" -> Level.INFO;
            case "WARNING", "WARN" -> Level.WARNING;
            case "ERROR" -> Level.SEVERE;
            default -> throw new IllegalArgumentException("unknown log level '" + name + "' (DEBUG, INFO, WARNING, ERROR)");
        };
    }

    public static void configure(Level level, PrintStream out) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new LineHandler(out);
        handler.setFormatter(new SeedFormatter());
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(Level.WARNING);
        RELAY.setLevel(level);
    }

    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) return "ERROR";
        if (v >= Level.WARNING.intValue()) return "WARNING";
        if (v >= Level.INFO.intValue()) return "INFO";
        return "DEBUG";
    }

    /** Prints each record as it comes, flushed, so that logs interleave correctly with other output. */
    static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out) {
            this.out = out;
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                out.print(getFormatter().format(record));
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    /** One line per record; a thrown exception follows as its own line. */
    static final class SeedFormatter extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(128)
                    .append(LocalDateTime.now().format(TIME))
                    .append(" [").append(levelName(record.getLevel())).append("] ")
                    .append(record.getLoggerName()).append(": ")
                    .append(formatMessage(record)).append(System.lineSeparator());
            if (record.getThrown() != null) {
                line.append("    ").append(record.getThrown()).append(System.lineSeparator());
            }
            return line.toString();
        }
    }
}
