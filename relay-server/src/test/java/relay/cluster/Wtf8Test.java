package relay.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class Wtf8Test {
    @ParameterizedTest(name = "{0} is exactly its UTF-8")
    @ValueSource(strings = {"", "C1", "room-é", "日本語", "🚗 car", "a\u0000b", "\uffff"})
    void aWellFormedStringIsItsUtf8(String s) {
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Wtf8.encode(s));
        assertEquals(s, Wtf8.decode(Wtf8.encode(s)));
    }

    @ParameterizedTest(name = "{0} round-trips")
    @ValueSource(strings = {"\ud800", "\udfff", "x\udc00y", "\udc00\ud800", "🚗\ud83d", "\ud83d🚗\ude97é", "\ud800\ud800"})
    void aLoneSurrogateSurvivesTheRoundTrip(String s) {
        assertEquals(s, Wtf8.decode(Wtf8.encode(s)));
    }

    @Test
    void aLoneSurrogateIsNotTheQuestionMarkTheJdkMakesOfIt() {
        assertArrayEquals(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, Wtf8.encode("\ud800"));
        assertNotEquals(new String(Wtf8.encode("?")), new String(Wtf8.encode("\ud800")));
    }

    @Test
    void nullIsEmpty() {
        assertEquals(0, Wtf8.encode(null).length);
    }

    @Test
    void bytesThatAreNeitherDecodeAsTheJdkWould() {
        byte[][] cases = {
            {(byte) 0xED, (byte) 0xA0}, // a surrogate cut short
            {(byte) 0xFF, 'a'},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC3}, // a surrogate, then a cut-short é
        };
        assertEquals(new String(cases[0], StandardCharsets.UTF_8), Wtf8.decode(cases[0]));
        assertEquals(new String(cases[1], StandardCharsets.UTF_8), Wtf8.decode(cases[1]));
        assertEquals("\ud800\ufffd", Wtf8.decode(cases[2]));
    }
}
