package relay.ws;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the frame decoder and message assembler: any input must end in decoded
 * messages or a {@link ProtocolException} with a close code a server may send, never another exception or
 * a hang. Regression mode (every build) replays the corpus in FrameReaderFuzzTestInputs; fuzzing mode
 * (JAZZER_FUZZ=1, bounded by maxDuration) explores new inputs and is run by the build for a short while.
 */
class FrameReaderFuzzTest {
    private static final MessageHandler SINK = new MessageHandler() {
        @Override public void onText(byte[] b, int o, int l) {
            if (!Utf8Validator.isValid(b, o, l)) {
                throw new AssertionError("invalid UTF-8 delivered as text");
            }
        }
        @Override public void onBinary(byte[] b, int o, int l) {}
        @Override public void onPing(byte[] b, int o, int l) {
            if (l > 125) throw new AssertionError("oversized ping delivered");
        }
        @Override public void onPong(byte[] b, int o, int l) {}
        @Override public void onClose(int code, byte[] b, int o, int l) {
            if (code != CloseCode.NO_STATUS && !CloseCode.isValidOnWire(code)) {
                throw new AssertionError("invalid close code delivered: " + code);
            }
        }
    };

    @FuzzTest(maxDuration = "20s")
    void decodesOrFailsWithACloseCode(byte[] input) {
        // Feed in two pieces split by the first byte, to exercise resumption at arbitrary boundaries.
        FrameReader reader = new FrameReader(new MessageAssembler(SINK), true, 64 * 1024, 64);
        int split = input.length == 0 ? 0 : (input[0] & 0xFF) % (input.length + 1);
        byte[] buffer = input.clone();
        try {
            int consumed = reader.read(buffer, 0, split);
            byte[] rest = new byte[split - consumed + input.length - split];
            System.arraycopy(buffer, consumed, rest, 0, split - consumed);
            System.arraycopy(buffer, split, rest, split - consumed, input.length - split);
            reader.read(rest, 0, rest.length);
        } catch (ProtocolException e) {
            int code = e.closeCode();
            if (code != CloseCode.PROTOCOL_ERROR && code != CloseCode.INVALID_PAYLOAD && code != CloseCode.MESSAGE_TOO_BIG) {
                throw new AssertionError("unexpected close code " + code);
            }
        }
    }
}
