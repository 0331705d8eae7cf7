package dev.pictl.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on a condition instead of sleeping a fixed time: polls until the condition holds, and fails with a
 * message saying what was awaited (and, optionally, what was seen last) when the deadline passes first.
 *
 * <pre>{@code
 * Await.until("pi-2 is down", Duration.ofSeconds(5), () -> !node.isUp());
 * Await.until("the agent's Node is Ready", Duration.ofSeconds(20), () -> ready(n), () -> "nodes: " + nodes());
 * }</pre>
 *
 * A sleep may stay only where the time itself is what a test checks (a window in which something must NOT
 * happen, a child that must hang); say so in a comment beside it.
 */
public final class Await {
    private static final long FIRST_POLL_MS = 5;
    private static final long MAX_POLL_MS = 100;

    private Await() {
    }

    /** Polls {@code condition} (5 ms, backing off to 100 ms) until it holds; fails after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        until(what, timeout, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}; {@code seen} is added to the failure message. */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long poll = FIRST_POLL_MS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String s = seen.get();
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what
                        + (s.isEmpty() ? "" : "\n" + s));
            }
            Thread.sleep(poll);
            poll = Math.min(MAX_POLL_MS, poll * 2);
        }
    }
}
