package relay.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 6455 section 5.3: the word-at-a-time {@link Masking#apply} equals the byte-at-a-time reference everywhere. */
@Timeout(30)
class MaskingTest {
    private static final int[] KEYS = {0x00000000, 0xFFFFFFFF, 0x01020304, 0x80000001, 0x37FA213D, 0xDEADBEEF};

    @Test
    void wordAtATimeEqualsScalarAtEveryOffsetLengthAndKeyIndex() {
        SplittableRandom random = new SplittableRandom(5);
        byte[] original = new byte[96];
        random.nextBytes(original);
        for (int key : KEYS) {
            for (int keyIndex = 0; keyIndex < 8; keyIndex++) {
                for (int offset = 0; offset < 16; offset++) {
                    for (int length = 0; offset + length <= 80; length++) {
                        byte[] fast = original.clone();
                        byte[] slow = original.clone();
                        int nextFast = Masking.apply(fast, offset, length, key, keyIndex);
                        int nextSlow = Masking.applyScalar(slow, offset, length, key, keyIndex);
                        String where = "key " + Integer.toHexString(key) + " index " + keyIndex + " offset " + offset + " length " + length;
                        assertArrayEquals(slow, fast, where);
                        assertEquals(nextSlow, nextFast);
                        assertEquals((keyIndex + length) & 3, nextFast);
                    }
                }
            }
        }
    }

    @Test
    void maskingInArbitraryPiecesEqualsMaskingAtOnce() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 500; round++) {
            byte[] data = new byte[1 + random.nextInt(300)];
            random.nextBytes(data);
            int key = random.nextInt();
            byte[] whole = data.clone();
            Masking.applyScalar(whole, 0, whole.length, key, 0);
            byte[] pieces = data.clone();
            int index = 0;
            for (int pos = 0; pos < pieces.length; ) {
                int n = Math.min(pieces.length - pos, random.nextInt(20));
                index = Masking.apply(pieces, pos, n, key, index);
                pos += n;
            }
            assertArrayEquals(whole, pieces);
        }
    }

    @Test
    void followsTheRfcFormulaWithTheKeyInWireOrder() {
        // transformed-octet-i = original-octet-i XOR masking-key-octet-(i MOD 4), key bytes 01 02 03 04 on the wire
        byte[] data = new byte[11];
        Masking.apply(data, 0, data.length, 0x01020304, 0);
        assertArrayEquals(Wire.bytes(1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3), data);
        byte[] again = new byte[3];
        Masking.apply(again, 0, 3, 0x01020304, 2);
        assertArrayEquals(Wire.bytes(3, 4, 1), again);
    }

    @Test
    void maskingTwiceRestoresTheData() {
        byte[] data = Wire.pattern(1000);
        byte[] copy = data.clone();
        Masking.apply(copy, 3, 990, 0xCAFEBABE, 1);
        Masking.apply(copy, 3, 990, 0xCAFEBABE, 1);
        assertArrayEquals(data, copy);
    }
}
