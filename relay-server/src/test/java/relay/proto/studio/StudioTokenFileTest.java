package relay.proto.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The token file: its format, who it admits, and re-reading it when it changes (on an injected clock). */
@Timeout(10)
class StudioTokenFileTest {
    @Test
    void aTableEntryAdmitsEveryDeviceADeviceEntryOnlyThatDevice() {
        StudioTokens tokens = StudioTokens.parse(List.of(
                "# comment", "", "  ARO-001   table-secret  ", "ARO-002_dealerPC\tdevice-secret", "ARO-002_dealerPC rotated"), "t");
        assertEquals(2, tokens.size());
        assertTrue(tokens.admits("ARO-001_anyDevice", "ARO-001", "table-secret"));
        assertTrue(tokens.admits("ARO-001", "ARO-001", "table-secret"));
        assertFalse(tokens.admits("ARO-001_anyDevice", "ARO-001", "device-secret"));
        assertTrue(tokens.admits("ARO-002_dealerPC", "ARO-002", "device-secret"));
        assertTrue(tokens.admits("ARO-002_dealerPC", "ARO-002", "rotated"));
        assertFalse(tokens.admits("ARO-002_shakerPC", "ARO-002", "device-secret"));
        assertFalse(tokens.admits("ARO-009_dealerPC", "ARO-009", "table-secret"));
        assertFalse(tokens.admits("ARO-001_x", "ARO-001", "table-secret-and-more"));
    }

    @Test
    void aMalformedLineIsAnErrorWithItsLineNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StudioTokens.parse(List.of("ARO-001 ok", "# fine", "ARO-002 two words"), "tokens.txt"));
        assertEquals("tokens.txt:3: expected '<table or device id> <token>'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StudioTokens.parse(List.of("ARO-001"), "t"));
    }

    @Test
    void aMissingFileStopsStartUp(@TempDir Path dir) {
        assertThrows(IOException.class, () -> StudioTokenFile.openOrWarn(dir.resolve("absent")));
    }

    @Test
    void aChangedFileAppliesFromTheNextCheckAndABrokenOneKeepsTheLastTokens(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"), "ARO-001 first\n");
        AtomicLong nowNs = new AtomicLong();
        StudioTokenFile tokens = new StudioTokenFile(file, 1_000, nowNs::get);
        assertTrue(tokens.current().admits("ARO-001_x", "ARO-001", "first"));

        write(file, "ARO-001 second\n", 1);
        assertTrue(tokens.current().admits("ARO-001_x", "ARO-001", "first"), "not checked again within the interval");
        nowNs.addAndGet(1_000_000_000L);
        assertTrue(tokens.current().admits("ARO-001_x", "ARO-001", "second"));
        assertFalse(tokens.current().admits("ARO-001_x", "ARO-001", "first"));

        write(file, "ARO-001 half written\n", 2);
        nowNs.addAndGet(1_000_000_000L);
        assertTrue(tokens.current().admits("ARO-001_x", "ARO-001", "second"), "a broken file keeps the last tokens");

        Files.delete(file);
        nowNs.addAndGet(1_000_000_000L);
        assertTrue(tokens.current().admits("ARO-001_x", "ARO-001", "second"), "a deleted file keeps the last tokens");

        write(file, "ARO-001 third\n", 3);
        nowNs.addAndGet(1_000_000_000L);
        assertTrue(tokens.current().admits("ARO-001_x", "ARO-001", "third"));
    }

    /** Writes and sets a distinct modification time, so the change is seen whatever the file system's clock. */
    private static void write(Path file, String content, int version) throws IOException {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(version)));
    }
}
