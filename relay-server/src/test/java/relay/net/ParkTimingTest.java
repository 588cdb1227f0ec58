package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The park-time policy of one connection: when reads are timed, the backoff, the stretch. */
@Timeout(10)
class ParkTimingTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void offMeansNoTimedReadsAndNeverParking() {
        ParkTiming off = new ParkTiming(0);
        assertFalse(off.enabled());
        assertFalse(off.timeNextRead(3600 * SECOND));
    }

    @Test
    void theFirstReadsAreTimedWhateverTheirGaps() {
        ParkTiming timing = new ParkTiming(5 * SECOND);
        for (int i = 0; i < ParkTiming.TIMED_FIRST_READS; i++) {
            assertTrue(timing.timeNextRead(0), "read " + i + " after the start");
        }
        assertFalse(timing.timeNextRead(0), "then only quiet gaps call for timed reads");
        timing.parked(0, false);
        timing.resumed(SECOND);
        assertTrue(timing.timeNextRead(0), "a resume starts over");
    }

    @Test
    void readsASecondApartOrAParkTimeApartAreTimed() {
        ParkTiming fiveSeconds = pastTheFirstReads(new ParkTiming(5 * SECOND));
        assertFalse(fiveSeconds.timeNextRead(SECOND - 1));
        assertTrue(fiveSeconds.timeNextRead(SECOND));
        ParkTiming short100ms = pastTheFirstReads(new ParkTiming(SECOND / 10));
        assertFalse(short100ms.timeNextRead(SECOND / 10 - 1));
        assertTrue(short100ms.timeNextRead(SECOND / 10), "reads further apart than a short park time may park");
    }

    private static ParkTiming pastTheFirstReads(ParkTiming timing) {
        for (int i = 0; i < ParkTiming.TIMED_FIRST_READS; i++) {
            timing.timeNextRead(0);
        }
        return timing;
    }

    @Test
    void aBusyWriterDoublesTheReadTimeoutUpTo16TimesUntilTheNextResume() {
        ParkTiming timing = new ParkTiming(5 * SECOND);
        assertEquals(5 * SECOND, timing.readTimeoutNs());
        long[] expected = {10, 20, 40, 80, 80, 80};
        for (long seconds : expected) {
            timing.parkFailed();
            assertEquals(seconds * SECOND, timing.readTimeoutNs());
        }
        timing.parked(0, true);
        timing.resumed(100 * SECOND);
        assertEquals(5 * SECOND, timing.readTimeoutNs(), "a resume starts over");
    }

    @Test
    void aResumeSoonAfterATimedParkDoublesTheParkTimeUpTo16Times() {
        ParkTiming timing = new ParkTiming(5 * SECOND);
        long now = 0;
        long[] expected = {10, 20, 40, 80, 80};
        for (long seconds : expected) {
            timing.parked(now, true);
            now += timing.parkAfterNs(); // back within four park times
            timing.resumed(now);
            assertEquals(seconds * SECOND, timing.parkAfterNs());
        }
    }

    @Test
    void aLongParkOrAParkAtOnceLeavesTheParkTimeAlone() {
        ParkTiming timing = new ParkTiming(5 * SECOND);
        timing.parked(0, true);
        timing.resumed(20 * SECOND); // four park times: not soon
        assertEquals(5 * SECOND, timing.parkAfterNs());
        timing.parked(30 * SECOND, false); // parked at once after the upgrade
        timing.resumed(30 * SECOND + 1);
        assertEquals(5 * SECOND, timing.parkAfterNs());
    }

    @Test
    void fourReadsAtLeastTwiceTheParkersGapApartParkASlowClient() {
        long gap = SECOND / 50;
        ParkTiming timing = new ParkTiming(5 * SECOND, gap);
        for (int i = 1; i < ParkTiming.SLOW_READS_TO_PARK; i++) {
            assertFalse(timing.slowEnoughToPark(2 * gap), "slow read " + i);
        }
        assertTrue(timing.slowEnoughToPark(2 * gap));
        assertFalse(timing.slowEnoughToPark(2 * gap - 1), "one quicker read starts the count over");
        timing.slowEnoughToPark(2 * gap);
        timing.parked(0, false);
        timing.resumed(SECOND);
        for (int i = 1; i < ParkTiming.SLOW_READS_TO_PARK; i++) {
            assertFalse(timing.slowEnoughToPark(10 * gap), "a resume starts the count over too");
        }
    }

    @Test
    void noSlowParkingWhenTheParkerRoutesNothingOrParkingIsOff() {
        ParkTiming noInPlace = new ParkTiming(5 * SECOND);
        ParkTiming off = new ParkTiming(0, SECOND / 50);
        for (int i = 0; i < 10; i++) {
            assertFalse(noInPlace.slowEnoughToPark(3600 * SECOND));
            assertFalse(off.slowEnoughToPark(3600 * SECOND));
        }
    }
}
