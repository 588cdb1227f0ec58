package relay.proto.studio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import relay.config.SharedSecret;

/**
 * The studio token file ({@code --studio-tokens FILE}): which token each table or device must present.
 * Immutable once loaded, so any connection thread may read it.
 *
 * <p>Format (UTF-8 text), one entry per line, {@code <id> <token>} separated by spaces or tabs:
 * <pre>
 * # comment lines and blank lines are ignored
 * ARO-001            secret-for-every-device-of-ARO-001
 * ARO-002_dealerPC   secret-for-this-one-device
 * ARO-002_dealerPC   a-second-token-during-rotation
 * </pre>
 * {@code <id>} is a table id (the part of a client id before the first {@code _}), which admits every device of
 * the table, or a full client id {@code <TABLE>_<DEVICE>}, which admits that device. A client is admitted when
 * its token equals any token listed for its table or for its full id; a table with no entry admits nobody.
 * Tokens cannot contain whitespace; anything else on a line is an error reported with its line number.
 */
public final class StudioTokens {
    private final Map<String, List<SharedSecret>> tokensById;

    private StudioTokens(Map<String, List<SharedSecret>> tokensById) {
        this.tokensById = tokensById;
    }

    public static StudioTokens load(Path file) throws IOException {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException("studio token file " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("cannot read studio token file " + file + ": " + e, e);
        }
    }

    static StudioTokens parse(List<String> lines, String source) {
        Map<String, List<SharedSecret>> byId = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected '<table or device id> <token>'");
            }
            byId.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(SharedSecret.of(parts[1]));
        }
        return new StudioTokens(byId);
    }

    /** Number of ids (tables or devices) with at least one token. */
    public int size() {
        return tokensById.size();
    }

    /** Whether {@code token} admits client {@code clientId} of table {@code tableId}. */
    boolean admits(String clientId, String tableId, String token) {
        return matches(tokensById.get(clientId), token) | matches(tokensById.get(tableId), token);
    }

    private static boolean matches(List<SharedSecret> tokens, String token) {
        if (tokens == null) {
            return false;
        }
        boolean match = false;
        for (SharedSecret expected : tokens) {
            match |= expected.matches(token); // every one compared: which matched must not show in the time taken
        }
        return match;
    }
}
