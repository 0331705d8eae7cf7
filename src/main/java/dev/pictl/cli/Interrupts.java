package dev.pictl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Ctrl-C (SIGINT) and SIGTERM during {@code pictl apply}, as Terraform handles them:
 *
 * <pre>
 *   at the approval prompt   nothing has started: "Apply cancelled", exit 1 at once
 *   1st signal               stop starting work (queued reboots and rolling steps included); running steps end
 *                            or give up their waits; the state is saved; the summary says what was done
 *   2nd signal               exit at once (status 130); the state file is still whole (it is only ever replaced
 *                            whole), and it records every step that finished
 * </pre>
 *
 * Handled through {@code sun.misc.Signal} rather than a shutdown hook: a hook cannot tell the first signal from
 * the second, and a hook that waits for the main thread deadlocks with the main thread's own {@code System.exit}.
 */
final class Interrupts implements AutoCloseable {
    /** The exit status after a second signal: 128 + SIGINT, what a shell reports for a process Ctrl-C ended. */
    static final int EXIT_AT_ONCE = 130;

    private final AtomicBoolean cancelled;
    private final Consumer<String> say;
    private final AtomicInteger count = new AtomicInteger();
    private final List<Restore> restore = new ArrayList<>();
    private volatile boolean prompting;

    /** Whether this JVM is a pictl process of its own ({@link Main}), not a host that runs the CLI in-process. */
    private static volatile boolean ownProcess;

    private record Restore(sun.misc.Signal signal, sun.misc.SignalHandler previous) {
    }

    private Interrupts(AtomicBoolean cancelled, Consumer<String> say) {
        this.cancelled = cancelled;
        this.say = say;
    }

    /**
     * Handles SIGINT and SIGTERM until {@link #close}. Where a signal cannot be handled (the JVM runs with
     * {@code -Xrs}, or the signal was ignored when it started), it keeps its default.
     *
     * @param say prints a message where the user sees it (on stderr, between the live progress lines)
     */
    static Interrupts install(AtomicBoolean cancelled, Consumer<String> say) {
        Interrupts i = new Interrupts(cancelled, say);
        if (!ownProcess) {
            return i; // a host's signals stay the host's (tests run the CLI in their own JVM)
        }
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal s = new sun.misc.Signal(name);
                i.restore.add(new Restore(s, sun.misc.Signal.handle(s, i::received)));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not handled here: the signal keeps its default
            }
        }
        return i;
    }

    /** Called by {@link Main}: signals reach pictl itself. */
    static void ownProcess() {
        ownProcess = true;
    }

    /** Whether a signal has come. */
    boolean received() {
        return count.get() > 0;
    }

    /** Marks the time the approval prompt waits for an answer (a signal then cancels at once). */
    void prompting(boolean atPrompt) {
        this.prompting = atPrompt;
    }

    private void received(sun.misc.Signal signal) {
        int n = count.incrementAndGet();
        cancelled.set(true);
        if (prompting) {
            say.accept("\nError: Apply cancelled (SIG" + signal.getName() + " at the prompt); nothing was changed.");
            Runtime.getRuntime().halt(ExitCode.ERROR);
        }
        if (n == 1) {
            say.accept("\nInterrupt received. Starting nothing new; letting running steps end and saving the "
                    + "state. Interrupt again to exit at once.");
            return;
        }
        say.accept("\nTwo interrupts received. Exiting immediately. The state records every step that finished; "
                + "run the same apply command again to finish.");
        Runtime.getRuntime().halt(EXIT_AT_ONCE);
    }

    @Override
    public void close() {
        for (Restore r : restore) {
            try {
                sun.misc.Signal.handle(r.signal(), r.previous());
            } catch (IllegalArgumentException e) {
                // leave it
            }
        }
    }
}
