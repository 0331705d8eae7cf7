package dev.pictl.cli.view;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.diag.TerminalText;
import dev.pictl.plan.Action;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Apply progress. Not on a terminal (cron, CI, a pipe): one line per resource start and finish with the elapsed
 * time, and one per step, in Terraform's words ({@code Creating...}, {@code Creation complete after 12s}). On a
 * terminal: the same finished lines, with a live block below them of what is in flight and its current step.
 */
public final class ProgressView implements ApplyHook, AutoCloseable {
    private final PrintWriter out;
    private final boolean live;
    private final java.util.function.IntSupplier columns;
    private final Map<ResourceAddress, String[]> inFlight = new LinkedHashMap<>();
    private final Map<ResourceAddress, Long> started = new LinkedHashMap<>();
    private int drawn;
    private int width = 80;
    private java.util.concurrent.ScheduledExecutorService ticker;

    /** On a terminal ({@code live}), its width is read from the terminal itself (see {@link TerminalWidth}). */
    public ProgressView(PrintWriter out, boolean live) {
        this(out, live, TerminalWidth::columns);
    }

    /**
     * @param columns the terminal's width now, asked at every redraw (a window can be resized): the live lines are
     *                cut to fit it, since a line that wraps takes two rows and the next redraw would leave half of it
     */
    public ProgressView(PrintWriter out, boolean live, java.util.function.IntSupplier columns) {
        this.out = out;
        this.live = live;
        this.columns = columns;
    }

    /**
     * On a terminal, redraws the live block every second, so the elapsed times move while a step waits (a Pi takes a
     * minute or more to reboot). Stopped by {@link #close}.
     */
    public synchronized void start() {
        if (!live || ticker != null) {
            return;
        }
        ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pictl-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private synchronized void tick() {
        if (!inFlight.isEmpty()) {
            redraw();
        }
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        clear();
        out.flush();
    }

    @Override
    public synchronized void started(ResourceAddress address, Action action) {
        started.put(address, System.nanoTime());
        inFlight.put(address, new String[] {verb(action, false), ""});
        line(address + ": " + verb(action, false) + "...");
    }

    @Override
    public synchronized void step(ResourceAddress address, String step) {
        String[] s = inFlight.get(address);
        if (s != null) {
            s[1] = step;
        }
        if (!live) {
            line(address + ": " + TerminalText.escape(step) + " [" + seconds(address) + " elapsed]");
        } else {
            redraw();
        }
    }

    @Override
    public synchronized void succeeded(ResourceAddress address, Action action, Duration elapsed) {
        inFlight.remove(address);
        line(address + ": " + verb(action, true) + " after " + format(elapsed));
    }

    @Override
    public synchronized void failed(ResourceAddress address, Action action, Duration elapsed, ApplyException error) {
        inFlight.remove(address);
        line(address + ": failed after " + format(elapsed) + ": " + TerminalText.escapeKeepingLines(error.getMessage()));
    }

    @Override
    public synchronized void skipped(ResourceAddress address, String why) {
        line(address + ": skipped (" + TerminalText.escape(why) + ")");
    }

    /**
     * Prints a message on {@code err} between the live lines: cleared first, drawn again after, so the message
     * stays on the terminal (an interrupt's, say).
     */
    public synchronized void notice(java.io.PrintWriter err, String text) {
        clear();
        out.flush();
        err.println(text);
        err.flush();
        redraw();
    }

    private void line(String text) {
        clear();
        out.println(text);
        redraw();
        out.flush();
    }

    private void clear() {
        if (live && drawn > 0) {
            out.print("\u001b[" + drawn + "A\u001b[J");
            drawn = 0;
        }
    }

    private void redraw() {
        if (!live) {
            return;
        }
        clear();
        width = Math.max(20, columns.getAsInt());
        for (Map.Entry<ResourceAddress, String[]> e : inFlight.entrySet()) {
            String text = "  " + e.getKey() + ": " + e.getValue()[0] + "... "
                    + (e.getValue()[1].isEmpty() ? "" : TerminalText.escape(e.getValue()[1]) + " ") + "["
                    + seconds(e.getKey()) + "]";
            out.println("\u001b[2m" + fit(text, width - 1) + "\u001b[0m");
            drawn++;
        }
        out.flush();
    }

    /**
     * The text cut to {@code max} columns (the elapsed time kept at the end: "...[12s]"): a live line must never wrap,
     * or moving the cursor up by the number of lines drawn would not reach its first row.
     */
    public static String fit(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        int bracket = text.lastIndexOf(" [");
        String tail = bracket > 0 ? "…" + text.substring(bracket) : "…";
        int keep = Math.max(0, max - tail.codePointCount(0, tail.length()));
        if (keep == 0) {
            return text.substring(0, text.offsetByCodePoints(0, Math.max(0, max)));
        }
        return text.substring(0, text.offsetByCodePoints(0, keep)) + tail;
    }

    private String seconds(ResourceAddress a) {
        Long s = started.get(a);
        return s == null ? "0s" : format(Duration.ofNanos(System.nanoTime() - s));
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
    }

    private static String verb(Action a, boolean done) {
        return switch (a) {
            case CREATE -> done ? "Creation complete" : "Creating";
            case UPDATE -> done ? "Modifications complete" : "Modifying";
            case REPLACE -> done ? "Replacement complete" : "Replacing";
            case DELETE -> done ? "Destruction complete" : "Destroying";
            case NO_OP -> done ? "Done" : "Checking";
        };
    }
}
