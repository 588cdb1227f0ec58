package relay.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the hand-written JSON scanners that read every booth and CarParty message on the
 * hot path ({@link JsonObjectCursor}'s plain and checked walks, {@link JsonSyntax}): for any bytes they must
 * not throw, must read nothing outside the given window, must agree with each other (the checked walk's
 * verdict is JsonSyntax's, and on a valid object it sees the plain walk's members). Regression mode replays JsonScanFuzzTestInputs on every build;
 * the build also fuzzes it for a short while (see FrameReaderFuzzTest).
 */
class JsonScanFuzzTest {
    /** Around the window: bytes that would change any verdict if a scanner strayed onto them. */
    private static final byte[] PAD = "\"\\{[".getBytes();

    @FuzzTest(maxDuration = "20s")
    void scannersAgreeAndStayInTheirWindow(byte[] input) {
        Scan exact = scan(input, 0, input.length);
        byte[] padded = new byte[input.length + 2 * PAD.length];
        System.arraycopy(PAD, 0, padded, 0, PAD.length);
        System.arraycopy(input, 0, padded, PAD.length, input.length);
        System.arraycopy(PAD, 0, padded, PAD.length + input.length, PAD.length);
        Scan windowed = scan(padded, PAD.length, input.length);
        if (!exact.equals(windowed)) {
            throw new AssertionError("verdict depends on bytes outside the window: " + exact + " vs " + windowed);
        }
        if (exact.valid != exact.checkedValid) {
            throw new AssertionError("checked walk says " + exact.checkedValid + ", JsonSyntax says " + exact.valid);
        }
        if (exact.valid && !exact.plainMembers.equals(exact.checkedMembers)) {
            throw new AssertionError("checked walk saw " + exact.checkedMembers + ", plain walk " + exact.plainMembers);
        }
        // Not compared with dsl-json: it refuses numbers beyond a double (-2.5e300000, corpus "huge-exponent")
        // that RFC 8259 and the seeds' Python json accept; JsonSyntaxTest compares the two on its mutations.
    }

    private static Scan scan(byte[] bytes, int offset, int length) {
        List<String> plain = new ArrayList<>();
        JsonObjectCursor cursor = new JsonObjectCursor();
        if (cursor.reset(bytes, offset, length)) {
            while (cursor.next()) {
                plain.add(member(cursor, offset));
            }
        }
        List<String> checked = new ArrayList<>();
        JsonObjectCursor checking = new JsonObjectCursor();
        if (checking.reset(bytes, offset, length)) {
            while (checking.nextChecked()) {
                checked.add(member(checking, offset));
            }
        }
        return new Scan(JsonSyntax.isObject(bytes, offset, length), checking.isValid(), plain, checked);
    }

    /** A member's key and value spans, relative to the window. */
    private static String member(JsonObjectCursor c, int offset) {
        return (c.keyStart() - offset) + ":" + (c.keyEnd() - offset) + "=" + (c.valueStart() - offset) + ":" + (c.valueEnd() - offset);
    }

    /** What the scanners made of one window: the two verdicts and the members each walk saw. */
    private record Scan(boolean valid, boolean checkedValid, List<String> plainMembers, List<String> checkedMembers) {}
}
