package relay.loadgen.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TimerHeapTest {
    static final class T extends Timer {
        T(long due) {
            dueNs = due;
        }

        @Override
        protected void fire(long nowNs) {}
    }

    @Test
    void pollsInDueOrderAcrossRemovalsAndReschedules() {
        TimerHeap heap = new TimerHeap();
        Random random = new Random(7);
        List<T> timers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            T t = new T(random.nextInt(1_000_000) - 500_000L); // negative too: nanoTime may be
            timers.add(t);
            heap.add(t);
        }
        for (int i = 0; i < 100; i++) {
            heap.remove(timers.get(i));
            assertFalse(timers.get(i).isScheduled());
        }
        for (int i = 100; i < 150; i++) {
            T t = timers.get(i);
            t.dueNs = random.nextInt(1_000_000);
            heap.add(t); // moves it
        }
        long last = Long.MIN_VALUE;
        int n = 0;
        while (!heap.isEmpty()) {
            T t = (T) heap.poll();
            assertTrue(t.dueNs >= last);
            last = t.dueNs;
            n++;
        }
        assertEquals(400, n);
    }
}
