package relay.ws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 section 7.4: which status codes may appear in a Close frame (Jetty's ParserBadCloseStatusCodesTest). */
@Timeout(10)
class CloseCodeTest {
    @ParameterizedTest(name = "7.4 code {0} is valid on the wire")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    void acceptsDefinedAndRegisteredCodes(int code) {
        assertTrue(CloseCode.isValidOnWire(code));
    }

    @ParameterizedTest(name = "7.4 code {0} must not appear on the wire")
    @ValueSource(ints = {-1, 0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535, 65536})
    void refusesReservedAndUnassignedCodes(int code) {
        assertFalse(CloseCode.isValidOnWire(code));
    }
}
