package relay.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The parker's routing budget: half of each 100 ms window, refilled when the next window starts. */
@Timeout(10)
class InPlaceBudgetTest {
    private static final long MS = 1_000_000L;

    @Test
    void halfOfEachWindowMayBeSpentRouting() {
        long start = -5_000 * MS; // any clock origin, negative included
        InPlaceBudget budget = new InPlaceBudget(start);
        assertTrue(budget.hasRoom(start));
        budget.spend(30 * MS);
        assertTrue(budget.hasRoom(start + 40 * MS));
        assertFalse(budget.isFull());
        budget.spend(20 * MS);
        assertTrue(budget.isFull(), "50 of 100 ms spent");
        assertFalse(budget.hasRoom(start + 60 * MS));
        assertFalse(budget.hasRoom(start + 99 * MS));
        assertTrue(budget.hasRoom(start + 100 * MS), "the next window starts empty");
        assertFalse(budget.isFull());
        budget.spend(49 * MS);
        assertTrue(budget.hasRoom(start + 150 * MS));
    }
}
