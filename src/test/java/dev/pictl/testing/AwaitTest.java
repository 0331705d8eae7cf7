package dev.pictl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class AwaitTest {
    @Test
    void returnsAsSoonAsTheConditionHolds() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Await.until("the third poll", Duration.ofSeconds(5), () -> polls.incrementAndGet() == 3);
        assertEquals(3, polls.get());
    }

    @Test
    void failsAfterTheDeadline_sayingWhatWasAwaitedAndSeen() {
        long t0 = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.until("pi-2 to be down", Duration.ofMillis(200), () -> false, () -> "pi-2: up"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("timed out after 200 ms waiting for: pi-2 to be down\npi-2: up", e.getMessage());
        assertTrue(ms >= 200 && ms < 5_000, ms + " ms");
    }
}
