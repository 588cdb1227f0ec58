package relay.ws;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the HTTP request parser and the handshake checks: any head must parse and
 * then be accepted or refused with an {@link HttpException} carrying a 4xx status, never anything else.
 */
class HttpRequestParserFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void parsesOrRefusesWithA4xx(byte[] input) {
        int end = HttpRequestParser.findEnd(input, input.length);
        if (end < 0) {
            return;
        }
        try {
            HttpRequest request = HttpRequestParser.parse(input, end);
            request.path();
            request.query();
            if (Handshake.isUpgradeRequest(request)) {
                Handshake.accept(request);
            }
        } catch (HttpException e) {
            int status = e.response().status();
            if (status < 400 || status > 499) {
                throw new AssertionError("unexpected status " + status);
            }
        }
    }
}
