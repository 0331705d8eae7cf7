package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.cli.view.ProgressView;
import dev.pictl.plan.Action;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The live block of apply's progress on a terminal (issue 19 point 4): it ticks, and its lines never wrap. */
@Tag("fast")
class ProgressViewTest {
    private static final ResourceAddress KP = ResourceAddress.parse(
            "kernel_params.cgroups[\"pi-worker-with-a-rather-long-name-1\"]").orElseThrow();

    @Test
    void liveLines_areCutToTheTerminalWidth_keepingTheElapsedTime() {
        StringWriter w = new StringWriter();
        AtomicInteger cols = new AtomicInteger(40);
        ProgressView v = new ProgressView(new PrintWriter(w), true, cols::get);
        v.started(KP, Action.CREATE);
        v.step(KP, "wait for boot");
        String[] rows = w.toString().split("\n");
        String last = rows[rows.length - 1].replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
        assertTrue(last.codePointCount(0, last.length()) <= 39, last);
        assertTrue(last.endsWith("[0s]"), last);
        assertTrue(last.contains("…"), last);

        cols.set(200); // resized: the whole line fits again
        v.step(KP, "verify");
        rows = w.toString().split("\n");
        last = rows[rows.length - 1].replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
        assertEquals("  " + KP + ": Creating... verify [0s]", last);
    }

    @Test
    void theLiveBlockTicks_everySecond_withoutANewStep() throws Exception {
        StringWriter w = new StringWriter();
        try (ProgressView v = new ProgressView(new PrintWriter(w), true, () -> 120)) {
            v.started(KP, Action.CREATE);
            v.step(KP, "wait for boot");
            v.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!w.toString().contains("wait for boot [2s]")) {
                assertTrue(System.nanoTime() < deadline, "no tick within 10 s:\n" + w);
                Thread.sleep(50);
            }
            assertTrue(w.toString().contains("wait for boot [1s]"), w.toString());
        }
    }

    @Test
    void fit_neverExceedsTheWidth() {
        String text = "  x".repeat(100) + " [12s]";
        for (int max = 1; max < 120; max++) {
            String f = ProgressView.fit(text, max);
            assertTrue(f.codePointCount(0, f.length()) <= max, max + ": " + f);
        }
    }
}
